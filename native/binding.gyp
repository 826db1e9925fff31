{
  "targets": [
    {
      "target_name": "pipespan_bpf",
      "type": "none",
      "actions": [
        {
          "action_name": "build_bpf",
          "inputs": [
            "scripts/build-bpf.sh",
            "bpf/pipespan.h",
            "bpf/common.bpf.h",
            "bpf/lifecycle.bpf.c",
            "bpf/cpu.bpf.c",
            "bpf/blockio.bpf.c",
            "bpf/net.bpf.c"
          ],
          "outputs": ["<(SHARED_INTERMEDIATE_DIR)/pipespan/pipespan.skel.h"],
          "action": ["bash", "scripts/build-bpf.sh", "<(SHARED_INTERMEDIATE_DIR)/pipespan"],
          "message": "BPF: vmlinux.h, clang -target bpf, bpftool gen object + skeleton"
        }
      ]
    },
    {
      "target_name": "pipespan_native",
      "dependencies": [
        "pipespan_bpf",
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"
      ],
      "sources": ["src/addon.cc", "src/loader.cc", "src/layout.cc"],
      "include_dirs": ["<(SHARED_INTERMEDIATE_DIR)/pipespan", "bpf"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-Wall", "-Wextra", "<!@(pkg-config --cflags libbpf)"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-missing-field-initializers"],
      "libraries": ["<!@(pkg-config --libs libbpf)"]
    }
  ]
}
