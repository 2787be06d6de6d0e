/*
 * The cheapest proxy with Shotover's connection model, as a yardstick for bench/valkey-passthrough
 * (target "forwarder", option --forwarder): every client connection gets its own backend connection, and bytes are
 * copied both ways unparsed. One thread, epoll, read() and write(): per request it makes the same four socket calls
 * the proxy makes (read the request, write it to the backend, read the reply, write it to the client) and nothing
 * else. Whatever this reaches is the ceiling of a one-to-one proxy on the machine; nutcracker can go higher only
 * because it sends every client's requests down one shared backend connection.
 *
 * Not a real proxy: no partial-write handling beyond a blocking retry, no limits, no errors reported.
 *
 * Build and run: cc -O2 -o forwarder reference-forwarder.c && ./forwarder <listen port> <backend port>
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_FDS 65536

static int peer[MAX_FDS];

static struct sockaddr_in loopback(int port) {
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

static void watch(int epoll, int fd) {
    struct epoll_event event = {.events = EPOLLIN, .data.fd = fd};
    epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s <listen port> <backend port>\n", argv[0]);
        return 2;
    }
    int one = 1;
    struct sockaddr_in listen_address = loopback(atoi(argv[1]));
    struct sockaddr_in backend_address = loopback(atoi(argv[2]));
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(listener, (struct sockaddr *) &listen_address, sizeof listen_address) != 0 || listen(listener, 1024) != 0) {
        perror("listen");
        return 1;
    }
    int epoll = epoll_create1(0);
    watch(epoll, listener);
    struct epoll_event events[256];
    static char buffer[65536];
    for (;;) {
        int ready = epoll_wait(epoll, events, 256, -1);
        for (int i = 0; i < ready; i++) {
            int fd = events[i].data.fd;
            if (fd == listener) {
                int client = accept(listener, NULL, NULL);
                int backend = socket(AF_INET, SOCK_STREAM, 0);
                if (client < 0 || client >= MAX_FDS || backend < 0 || backend >= MAX_FDS
                        || connect(backend, (struct sockaddr *) &backend_address, sizeof backend_address) != 0) {
                    perror("accept or connect");
                    close(client);
                    close(backend);
                    continue;
                }
                setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                setsockopt(backend, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                peer[client] = backend;
                peer[backend] = client;
                watch(epoll, client);
                watch(epoll, backend);
                continue;
            }
            ssize_t received = read(fd, buffer, sizeof buffer);
            if (received <= 0) {
                close(peer[fd]);
                close(fd);
                continue;
            }
            for (ssize_t sent = 0; sent < received;) {
                ssize_t n = write(peer[fd], buffer + sent, received - sent);
                if (n <= 0) {
                    break;
                }
                sent += n;
            }
        }
    }
}
