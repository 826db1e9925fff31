// SPDX-License-Identifier: Apache-2.0
// layout.cc — the kernel records' layout as the BPF compiler laid it out, read from the BTF of the compiled BPF
// object (the skeleton embeds it; opening it parses the ELF only, no privileges, no kernel). Every member of
// every record struct is described (name, offset, size, type), so lib/decode.js decodes whatever pipespan.h
// declares without a second, hand-kept list. The host compiler's sizeof() of each struct is given beside it:
// the loader copies these structs too, and the two compilers must agree (test/layout.test.mjs).
#include "layout.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <string>

#include "loader.h"
#include "pipespan.skel.h"

namespace pipespan {
namespace {

// Follows typedefs and const/volatile to the type that says how the bytes are stored.
const struct btf_type* concrete(const struct btf* btf, __u32* id) {
  int r = btf__resolve_type(btf, *id);
  if (r < 0) throw Error("BTF: cannot resolve type " + std::to_string(*id));
  *id = static_cast<__u32>(r);
  return btf__type_by_id(btf, *id);
}

// "u8".."u64", "s8".."s64", "char"; throws for anything a record should not hold (pointers, floats, ...).
std::string scalarName(const struct btf* btf, const struct btf_type* t, const std::string& where) {
  if (btf_is_enum(t)) return "u" + std::to_string(t->size * 8);
  if (!btf_is_int(t)) throw Error("BTF: " + where + " is not an integer, character or array of them");
  __u8 enc = btf_int_encoding(t);
  std::string name = btf__name_by_offset(btf, t->name_off);
  if ((enc & BTF_INT_CHAR) || name == "char") return "char";
  return std::string((enc & BTF_INT_SIGNED) ? "s" : "u") + std::to_string(t->size * 8);
}

void addMembers(const struct btf* btf, __u32 structId, const std::string& prefix, uint32_t base,
                std::vector<FieldLayout>& out) {
  const struct btf_type* st = btf__type_by_id(btf, structId);
  const struct btf_member* m = btf_members(st);
  for (int i = 0; i < btf_vlen(st); i++, m++) {
    std::string name = prefix + btf__name_by_offset(btf, m->name_off);
    if (btf_member_bitfield_size(st, i) != 0) throw Error("BTF: " + name + " is a bit field");
    uint32_t offset = base + btf_member_bit_offset(st, i) / 8;
    __u32 id = m->type;
    const struct btf_type* t = concrete(btf, &id);
    if (btf_is_struct(t)) {
      addMembers(btf, id, name + ".", offset, out);
      continue;
    }
    FieldLayout f{name, offset, 0, "", 0};
    if (btf_is_array(t)) {
      const struct btf_array* a = btf_array(t);
      __u32 eid = a->type;
      const struct btf_type* et = concrete(btf, &eid);
      f.type = scalarName(btf, et, name);
      f.count = a->nelems;
      f.size = static_cast<uint32_t>(et->size) * a->nelems;
    } else {
      f.type = scalarName(btf, t, name);
      f.size = t->size;
    }
    out.push_back(f);
  }
}

}  // namespace

std::vector<StructLayout> recordLayouts(const std::vector<std::pair<std::string, uint32_t>>& structs) {
  struct pipespan_bpf* skel = pipespan_bpf__open();
  if (skel == nullptr) throw Error("cannot open the embedded BPF object to read its BTF");
  std::vector<StructLayout> all;
  try {
    const struct btf* btf = bpf_object__btf(skel->obj);
    if (btf == nullptr) throw Error("the embedded BPF object carries no BTF");
    for (const auto& [name, hostSize] : structs) {
      int id = btf__find_by_name_kind(btf, name.c_str(), BTF_KIND_STRUCT);
      if (id < 0) throw Error("BTF: no struct " + name + " in the BPF object (is it used by a program or map?)");
      StructLayout s{name, static_cast<uint32_t>(btf__type_by_id(btf, id)->size), hostSize, {}};
      addMembers(btf, static_cast<__u32>(id), "", 0, s.fields);
      all.push_back(std::move(s));
    }
  } catch (...) {
    pipespan_bpf__destroy(skel);
    throw;
  }
  pipespan_bpf__destroy(skel);
  return all;
}

}  // namespace pipespan
