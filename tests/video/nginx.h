/* nginx.h: a real nginx for the transfer tests: 127.0.0.1 on a free port, everything (config,
 * pid, logs, temp files, web root) in a private folder, WebDAV PUT enabled, killed at the end.
 *
 * Locations:  /        PUT/GET; answers 500 while DIR/fail exists
 *             /slow/   GET at 300 KB/s (to cut connections mid-transfer)
 *             /auth/   PUT/GET only with "Authorization: Bearer secret"
 *             /corrupt/ accepts PUT, but GET/HEAD read another (missing) path
 *             /full/   PUT into DIR/full (a tiny tmpfs when the test could mount one)
 *             /swap/   accepts PUT, but GET/HEAD serve /swapsrc/ (same sizes, other bytes) */
#ifndef TESTS_VIDEO_NGINX_H
#define TESTS_VIDEO_NGINX_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct TestNginx {
    char dir[600], www[700];
    int port;
    pid_t pid;
} TestNginx;

static inline int tn_free_port(void) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int port = -1;
    if (s >= 0 && bind(s, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(s, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (s >= 0) close(s);
    return port;
}

static inline int tn_port_open(int port) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int ok = s >= 0 && connect(s, (struct sockaddr *)&a, sizeof a) == 0;
    if (s >= 0) close(s);
    return ok;
}

static inline void tn_sleep(double s) {
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

static inline int tn_write_config(const TestNginx *n) {
    char path[800];
    snprintf(path, sizeof path, "%s/nginx.conf", n->dir);
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fprintf(f,
            "daemon off;\nmaster_process off;\nworker_processes 1;\npid %s/nginx.pid;\n"
            "error_log %s/error.log info;\nevents { worker_connections 64; }\n"
            "http {\n  access_log %s/access.log;\n  client_body_temp_path %s/body;\n"
            "  proxy_temp_path %s/proxy;\n  fastcgi_temp_path %s/fcgi;\n"
            "  uwsgi_temp_path %s/uwsgi;\n  scgi_temp_path %s/scgi;\n"
            "  default_type application/octet-stream;\n  client_max_body_size 1g;\n"
            "  server {\n    listen 127.0.0.1:%d;\n    root %s;\n"
            "    location / { dav_methods PUT DELETE; create_full_put_path on;\n"
            "      if (-f %s/fail) { return 500; } }\n"
            "    location /slow/ { limit_rate 300k; }\n"
            "    location /auth/ { dav_methods PUT; create_full_put_path on;\n"
            "      if ($http_authorization != \"Bearer secret\") { return 401; } }\n"
            "    location /corrupt/ { dav_methods PUT; create_full_put_path on;\n"
            "      if ($request_method != PUT) { rewrite ^/corrupt/(.*)$ /elsewhere/$1 break; } "
            "}\n"
            "    location /full/ { root %s; dav_methods PUT; create_full_put_path on; }\n"
            "    location /swap/ { dav_methods PUT; create_full_put_path on;\n"
            "      if ($request_method != PUT) { rewrite ^/swap/(.*)$ /swapsrc/$1 break; } }\n"
            "  }\n}\n",
            n->dir, n->dir, n->dir, n->dir, n->dir, n->dir, n->dir, n->dir, n->port, n->www, n->dir,
            n->dir);
    fclose(f);
    return 0;
}

/* Starts (or restarts, same port) nginx; returns 0 once it accepts connections. */
static inline int tn_start(TestNginx *n) {
    char conf[800], err[800];
    snprintf(conf, sizeof conf, "%s/nginx.conf", n->dir);
    snprintf(err, sizeof err, "%s/error.log", n->dir);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)) _exit(126);
        execlp("nginx", "nginx", "-p", n->dir, "-c", conf, "-e", err, (char *)NULL);
        _exit(127);
    }
    n->pid = pid;
    for (int i = 0; i < 200; i++) {
        if (tn_port_open(n->port)) return 0;
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) return -1;
        tn_sleep(0.025);
    }
    return -1;
}

static inline void tn_kill(TestNginx *n) {
    if (n->pid <= 0) return;
    kill(n->pid, SIGKILL);
    waitpid(n->pid, NULL, 0);
    n->pid = 0;
}

/* Sets up the folder under `parent` and starts nginx. */
static inline int tn_create(TestNginx *n, const char *parent) {
    snprintf(n->dir, sizeof n->dir, "%s/nginx", parent);
    snprintf(n->www, sizeof n->www, "%s/www", n->dir);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/body' '%s/full' '%s/slow' '%s/auth'", n->dir, n->dir,
             n->www, n->www);
    if (system(cmd) != 0) return -1;
    n->port = tn_free_port();
    if (n->port <= 0 || tn_write_config(n) != 0) return -1;
    return tn_start(n);
}

#endif
