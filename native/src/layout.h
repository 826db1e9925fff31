// SPDX-License-Identifier: Apache-2.0
// layout.h — the kernel records' layout, read from the compiled BPF object's BTF (see layout.cc).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace pipespan {

struct FieldLayout {
  std::string name;  // C member name; members of an embedded struct as "h.tgid", "key.major"
  uint32_t offset;   // bytes from the start of the record
  uint32_t size;     // bytes
  std::string type;  // u8 u16 u32 u64 s8 s16 s32 s64 char (of the element, for arrays)
  uint32_t count;    // array length, 0 for a scalar
};

struct StructLayout {
  std::string name;
  uint32_t size;      // as the BPF compiler laid it out
  uint32_t hostSize;  // sizeof() in the host compiler
  std::vector<FieldLayout> fields;
};

// Layout of each named struct (name, host sizeof); throws Error when one is missing from the BTF.
std::vector<StructLayout> recordLayouts(const std::vector<std::pair<std::string, uint32_t>>& structs);

}  // namespace pipespan
