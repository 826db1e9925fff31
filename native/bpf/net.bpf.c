// SPDX-License-Identifier: Apache-2.0
/*
 * net.bpf.c — network payload bytes per process.
 *
 * sock:sock_send_length / sock:sock_recv_length (Linux 6.3+) fire in sock_sendmsg_nosec() /
 * sock_recvmsg_nosec() with the protocol's return value, in the context of the calling task: every
 * send/sendto/sendmsg/write/splice to a socket and every receive. Only AF_INET/AF_INET6 sockets count
 * (a Unix socket is local IPC, not network); loopback TCP/UDP does count. Bytes are payload as seen by the
 * socket layer, not wire bytes (no headers, no retransmits).
 */
#include "common.bpf.h"

static __always_inline void pp_sock_account(struct sock *sk, int ret, bool tx) {
  if (ret <= 0 || !sk) return;
  __u16 family = sk->__sk_common.skc_family;
  if (family != PP_AF_INET && family != PP_AF_INET6) return;
  struct task_struct *t = bpf_get_current_task_btf();
  if (!pp_tracked_task(t)) return;
  struct pp_counters *c = pp_counters_for(t);
  if (!c) return;
  if (tx)
    __sync_fetch_and_add(&c->net_tx_bytes, (__u64)ret);
  else
    __sync_fetch_and_add(&c->net_rx_bytes, (__u64)ret);
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(pp_sock_send_length, struct sock *sk, int ret, int flags) {
  pp_sock_account(sk, ret, true);
  return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(pp_sock_recv_length, struct sock *sk, int ret, int flags) {
  if (flags & PP_MSG_PEEK) return 0; /* peeked data stays queued and is counted when really read */
  pp_sock_account(sk, ret, false);
  return 0;
}
