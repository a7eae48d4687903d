/* kafka-mock: local Kafka-protocol broker (librdkafka mock cluster) for tests and the dev stack. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

static volatile sig_atomic_t stop_requested = 0;

static void on_signal(int sig) {
    (void)sig;
    stop_requested = 1;
}

static void usage(const char *prog) {
    fprintf(stderr, "usage: %s [--brokers N]\n", prog);
}

/* Takes every broker down or up: broker id -1 means all brokers, in one mock-thread op. */
static int set_all(rd_kafka_mock_cluster_t *mc, int up) {
    rd_kafka_resp_err_t err = up ? rd_kafka_mock_broker_set_up(mc, -1)
                                 : rd_kafka_mock_broker_set_down(mc, -1);
    if (err) {
        printf("ERR %s\n", rd_kafka_err2str(err));
        return -1;
    }
    return 0;
}

static void handle_command(rd_kafka_mock_cluster_t *mc, char *line) {
    line[strcspn(line, "\r\n")] = '\0';
    if (strcmp(line, "down") == 0) {
        if (set_all(mc, 0) == 0)
            printf("OK down\n");
    } else if (strcmp(line, "up") == 0) {
        if (set_all(mc, 1) == 0)
            printf("OK up\n");
    } else {
        printf("ERR unknown command: %s\n", line);
    }
    fflush(stdout);
}

int main(int argc, char **argv) {
    int brokers = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--brokers") == 0 && i + 1 < argc) {
            brokers = atoi(argv[++i]);
        } else {
            usage(argv[0]);
            return 2;
        }
    }
    if (brokers < 1 || brokers > 32) {
        fprintf(stderr, "--brokers must be between 1 and 32\n");
        return 2;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: poll() returns EINTR */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "config: %s\n", errstr);
        return 1;
    }
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!rk) {
        fprintf(stderr, "rd_kafka_new: %s\n", errstr);
        return 1;
    }
    rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, brokers);
    if (!mc) {
        fprintf(stderr, "rd_kafka_mock_cluster_new failed\n");
        rd_kafka_destroy(rk);
        return 1;
    }

    printf("BOOTSTRAP %s\n", rd_kafka_mock_cluster_bootstraps(mc));
    fflush(stdout);

    char buf[1024];
    size_t len = 0;
    int rc = 0;
    while (!stop_requested) {
        struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
        int pr = poll(&pfd, 1, 500);
        if (pr < 0) {
            if (errno == EINTR)
                continue;
            perror("poll");
            rc = 1;
            break;
        }
        if (pr == 0)
            continue;
        ssize_t got = read(STDIN_FILENO, buf + len, sizeof buf - 1 - len);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            perror("read");
            rc = 1;
            break;
        }
        if (got == 0)
            break; /* EOF: parent went away or closed our stdin */
        len += (size_t)got;
        buf[len] = '\0';
        char *start = buf, *nl;
        while ((nl = strchr(start, '\n')) != NULL) {
            *nl = '\0';
            handle_command(mc, start);
            start = nl + 1;
        }
        len = strlen(start);
        memmove(buf, start, len + 1);
        if (len == sizeof buf - 1) { /* overlong line: drop it */
            printf("ERR line too long\n");
            fflush(stdout);
            len = 0;
        }
    }

    rd_kafka_mock_cluster_destroy(mc); /* closes the listeners */
    /* No rd_kafka_destroy(rk): it waits ~1 s for librdkafka's idle internal threads,
     * and the process is exiting anyway. */
    return rc;
}
