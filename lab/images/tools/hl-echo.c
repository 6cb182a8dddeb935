/*
 * hl-echo: TCP and UDP echo server and client, built static so the same binary runs in the
 * busybox container image and the VM initramfs (busybox nc has no UDP and no -k).
 *
 *   hl-echo serve [PORT] [tcp|udp|both]       echo on PORT (default 7, both protocols), forever
 *   hl-echo tcp|udp HOST PORT MESSAGE [MS]    send MESSAGE to HOST (IPv4 or IPv6 literal), print the reply; exit 0 when it
 *                                             comes back intact within MS (default 2000)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* Dual stack: one IPv6 socket with V6ONLY off takes IPv4 too; IPv4 alone where the kernel has no IPv6. */
static int listen_on(int type, int port) {
  int one = 1, off = 0, fd = socket(AF_INET6, type, 0);
  if (fd >= 0) {
    struct sockaddr_in6 addr6 = {.sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = IN6ADDR_ANY_INIT};
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    if (bind(fd, (struct sockaddr *)&addr6, sizeof addr6) < 0) return -1;
  } else {
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_ANY)};
    if ((fd = socket(AF_INET, type, 0)) < 0) return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) return -1;
  }
  if (type == SOCK_STREAM && listen(fd, 64) < 0) return -1;
  return fd;
}

static void echo_stream(int fd) {
  char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0)
    if (write(fd, buf, n) != n) break;
  close(fd);
}

static int serve(int port, const char *which) {
  int want_tcp = strcmp(which, "udp") != 0, want_udp = strcmp(which, "tcp") != 0;
  int tcp = want_tcp ? listen_on(SOCK_STREAM, port) : -1, udp = want_udp ? listen_on(SOCK_DGRAM, port) : -1;
  if ((want_tcp && tcp < 0) || (want_udp && udp < 0)) { perror("hl-echo: bind"); return 2; }
  signal(SIGCHLD, SIG_IGN); /* reap connection children automatically */
  /* poll ignores negative fds, so a protocol that is off simply never fires */
  struct pollfd fds[2] = {{.fd = tcp, .events = POLLIN}, {.fd = udp, .events = POLLIN}};
  for (;;) {
    if (poll(fds, 2, -1) < 0) { if (errno == EINTR) continue; perror("poll"); return 2; }
    if (fds[0].revents & POLLIN) {
      int conn = accept(tcp, NULL, NULL);
      if (conn >= 0) {
        if (fork() == 0) { close(tcp); close(udp); echo_stream(conn); _exit(0); }
        close(conn);
      }
    }
    if (fds[1].revents & POLLIN) {
      char buf[65536];
      struct sockaddr_storage peer;
      socklen_t len = sizeof peer;
      ssize_t n = recvfrom(udp, buf, sizeof buf, 0, (struct sockaddr *)&peer, &len);
      if (n >= 0) sendto(udp, buf, n, 0, (struct sockaddr *)&peer, len);
    }
  }
}

static int client(const char *proto, const char *host, int port, const char *message, int timeout_ms) {
  int udp = strcmp(proto, "udp") == 0;
  struct sockaddr_in addr4 = {.sin_family = AF_INET, .sin_port = htons(port)};
  struct sockaddr_in6 addr6 = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
  int v4 = inet_pton(AF_INET, host, &addr4.sin_addr) == 1;
  if (!v4 && inet_pton(AF_INET6, host, &addr6.sin6_addr) != 1) { fprintf(stderr, "hl-echo: %s is not an IPv4 or IPv6 address\n", host); return 2; }
  struct sockaddr *addr = v4 ? (struct sockaddr *)&addr4 : (struct sockaddr *)&addr6;
  socklen_t addr_len = v4 ? sizeof addr4 : sizeof addr6;
  int fd = socket(v4 ? AF_INET : AF_INET6, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
  struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (connect(fd, addr, addr_len) < 0) { perror("hl-echo: connect"); return 1; }
  size_t want = strlen(message), got = 0;
  if (write(fd, message, want) != (ssize_t)want) { perror("hl-echo: send"); return 1; }
  char buf[65536];
  while (got < want) {
    ssize_t n = read(fd, buf + got, sizeof buf - got);
    if (n <= 0) { fprintf(stderr, "hl-echo: %s\n", n == 0 ? "connection closed" : strerror(errno)); return 1; }
    got += n;
    if (udp) break;
  }
  fwrite(buf, 1, got, stdout);
  putchar('\n');
  return got == want && memcmp(buf, message, want) == 0 ? 0 : 1;
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "serve") == 0) return serve(argc > 2 ? atoi(argv[2]) : 7, argc > 3 ? argv[3] : "both");
  if (argc >= 5 && (strcmp(argv[1], "tcp") == 0 || strcmp(argv[1], "udp") == 0))
    return client(argv[1], argv[2], atoi(argv[3]), argv[4], argc > 5 ? atoi(argv[5]) : 2000);
  fprintf(stderr, "usage: hl-echo serve [PORT] [tcp|udp|both] | hl-echo tcp|udp HOST PORT MESSAGE [TIMEOUT_MS]\n");
  return 2;
}
