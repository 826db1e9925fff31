# A context-switch-heavy workload: two processes bounce one byte over a pair of pipes N times (every bounce is
# a sleep and a wake-up on each side), then print their own wall time in seconds.
import os
import sys
import time

n = int(sys.argv[1]) if len(sys.argv) > 1 else 50000
a_r, a_w = os.pipe()
b_r, b_w = os.pipe()
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    for _ in range(n):
        os.read(a_r, 1)
        os.write(b_w, b"x")
    os._exit(0)
for _ in range(n):
    os.write(a_w, b"x")
    os.read(b_r, 1)
os.waitpid(pid, 0)
print(f"elapsed {time.perf_counter() - start:.6f}")
