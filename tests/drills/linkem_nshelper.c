/* Transfer helper for the network-namespace test of the link emulator
 * suite, run inside a namespace with `ip netns exec`:
 *
 *   linkem_nshelper sink ADDR PORT        listens, prints "ready", takes one
 *                                         connection, reads to EOF and
 *                                         prints "BYTES MICROSECONDS"
 *                                         (first byte to EOF)
 *   linkem_nshelper send ADDR PORT BYTES  connects (retrying for 5 s),
 *                                         sends BYTES and waits for EOF
 *
 * Each mode gives up after 60 s (alarm), so a broken link cannot hang the
 * suite. IPv4 only. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long s_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int s_addr(struct sockaddr_in *a, const char *host, const char *port)
{
    memset(a, 0, sizeof(*a));
    a->sin_family = AF_INET;
    a->sin_port = htons((unsigned short)atoi(port));
    return inet_pton(AF_INET, host, &a->sin_addr) == 1 ? 0 : -1;
}

static int s_sink(const char *host, const char *port)
{
    struct sockaddr_in a;
    static char buf[65536];
    long long first = 0, bytes = 0;
    int one = 1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0 || s_addr(&a, host, port))
        return 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 1)) {
        perror("sink: bind/listen");
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    int c = accept(fd, NULL, NULL);
    if (c < 0)
        return 1;
    for (;;) {
        ssize_t n = read(c, buf, sizeof(buf));
        if (n <= 0)
            break;
        if (bytes == 0)
            first = s_now_us();
        bytes += n;
    }
    long long end = s_now_us();
    close(c);
    close(fd);
    printf("%lld %lld\n", bytes, bytes ? end - first : 0);
    return 0;
}

static int s_send(const char *host, const char *port, const char *count)
{
    struct sockaddr_in a;
    static char buf[16384];
    long long left = atoll(count);
    int fd = -1;

    if (s_addr(&a, host, port))
        return 1;
    for (int i = 0; i < 100; i++) {
        fd = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
            break;
        close(fd);
        fd = -1;
        usleep(50000);
    }
    if (fd < 0) {
        perror("send: connect");
        return 1;
    }
    memset(buf, 'x', sizeof(buf));
    while (left > 0) {
        size_t n = left < (long long)sizeof(buf) ? (size_t)left : sizeof(buf);
        ssize_t w = write(fd, buf, n);
        if (w <= 0) {
            perror("send: write");
            return 1;
        }
        left -= w;
    }
    shutdown(fd, SHUT_WR);
    while (read(fd, buf, sizeof(buf)) > 0)
        ;
    close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    alarm(60);
    if (argc == 4 && strcmp(argv[1], "sink") == 0)
        return s_sink(argv[2], argv[3]);
    if (argc == 5 && strcmp(argv[1], "send") == 0)
        return s_send(argv[2], argv[3], argv[4]);
    fprintf(stderr, "usage: linkem_nshelper sink ADDR PORT | "
                    "send ADDR PORT BYTES\n");
    return 2;
}
