/*
 * LD_PRELOAD shim for the benchmark (built at bench time with gcc; see src/shim.ts).
 *
 * Wraps bind() to set socket options the benchmarked programs have no flag for:
 *
 *  TSIPS_BENCH_NO_PORT=1
 *    On a TCP socket bound to port 0, set IP_BIND_ADDRESS_NO_PORT first. SIPp's `-t tn`
 *    binds every client socket to <ip>:0 before connect(); without this option the kernel
 *    picks a port at bind() time, searching past every TIME_WAIT socket, and after ~10k
 *    calls that search dominates SIPp's CPU. With it the port is chosen at connect(),
 *    where only the full 4-tuple has to be unique.
 *
 *  TSIPS_BENCH_UDP_SNDBUF=<bytes>
 *    On a UDP socket, set SO_SNDBUF before binding (for programs that can only raise
 *    their receive buffer from their configuration).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

typedef int (*bind_fn)(int, const struct sockaddr *, socklen_t);

static bind_fn real_bind;
static int no_port;
static int udp_sndbuf;

__attribute__((constructor)) static void shim_init(void) {
  real_bind = (bind_fn)dlsym(RTLD_NEXT, "bind");
  const char *np = getenv("TSIPS_BENCH_NO_PORT");
  const char *sb = getenv("TSIPS_BENCH_UDP_SNDBUF");
  no_port = np != NULL && np[0] == '1';
  udp_sndbuf = sb != NULL ? atoi(sb) : 0;
}

static int bound_port(const struct sockaddr *addr, socklen_t len) {
  if (addr->sa_family == AF_INET && len >= sizeof(struct sockaddr_in))
    return ntohs(((const struct sockaddr_in *)addr)->sin_port);
  if (addr->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6))
    return ntohs(((const struct sockaddr_in6 *)addr)->sin6_port);
  return -1;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
  int type = 0;
  socklen_t tlen = sizeof type;
  if (addr != NULL && getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) == 0) {
    if (no_port && type == SOCK_STREAM && bound_port(addr, len) == 0) {
      int one = 1;
      setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    }
    if (udp_sndbuf > 0 && type == SOCK_DGRAM) {
      setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &udp_sndbuf, sizeof udp_sndbuf);
    }
  }
  return real_bind(fd, addr, len);
}
