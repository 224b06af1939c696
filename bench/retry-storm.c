/* retry-storm - `make bench`: 10,000 simulated accounts against a server that
 * fails for 5 minutes (NO [UNAVAILABLE], then NO [THROTTLED]) and recovers
 * with limited capacity, for four client strategies. Prints a table; the
 * figures of one run are quoted in doc/retry.md. Deterministic (fixed seed);
 * options: --accounts N, --seed S, --capacity N (requests per second). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storm.h"

static void
print_ms(uint64_t ms)
{
    if (ms == UINT64_MAX)
        printf("%14s", "not in 6 h");
    else
        printf("%12.1f s", (double)ms / 1000.0);
}

int
main(int argc, char **argv)
{
    static const enum storm_strategy all[] = {
        STORM_NAIVE, STORM_EXPONENTIAL, STORM_ADVISOR_NO_JITTER, STORM_ADVISOR,
    };
    struct storm_config cfg;
    unsigned i;
    int k;

    storm_default_config(&cfg);
    for (k = 1; k + 1 < argc; k += 2) {
        unsigned long long v = strtoull(argv[k + 1], NULL, 10);
        if (strcmp(argv[k], "--accounts") == 0 && v > 0 && v <= 1000000)
            cfg.accounts = (unsigned)v;
        else if (strcmp(argv[k], "--seed") == 0)
            cfg.seed = v;
        else if (strcmp(argv[k], "--capacity") == 0 && v > 0)
            cfg.capacity_per_s = v;
        else {
            fprintf(stderr, "usage: retry-storm [--accounts N] [--seed S] [--capacity N]\n");
            return 2;
        }
    }
    if (k < argc) {
        fprintf(stderr, "usage: retry-storm [--accounts N] [--seed S] [--capacity N]\n");
        return 2;
    }

    printf("Retry storm: %u accounts; server down %llu s (UNAVAILABLE %llu s, then THROTTLED %llu s),\n"
           "then %llu requests/s; round trip %llu ms; accounts notice within %llu ms; seed %llu.\n\n",
           cfg.accounts, (unsigned long long)(cfg.unavailable_ms + cfg.throttled_ms) / 1000,
           (unsigned long long)cfg.unavailable_ms / 1000, (unsigned long long)cfg.throttled_ms / 1000,
           (unsigned long long)cfg.capacity_per_s, (unsigned long long)cfg.rtt_ms,
           (unsigned long long)cfg.start_spread_ms, (unsigned long long)cfg.seed);
    printf("| %-31s | %17s | %14s | %14s | %16s | %14s |\n", "strategy", "attempts (outage)",
           "peak/s after", "refused after", "attempts after", "all succeeded");
    printf("| %-31s | %17s | %14s | %14s | %16s | %14s |\n", "---", "---:", "---:", "---:", "---:", "---:");
    for (i = 0; i < sizeof all / sizeof all[0]; i++) {
        struct storm_result r;
        if (storm_run(&cfg, all[i], &r) != 0) {
            fprintf(stderr, "retry-storm: %s failed\n", storm_strategy_name(all[i]));
            return 1;
        }
        printf("| %-31s | %17llu | %14llu | %14llu | %16llu | ", storm_strategy_name(all[i]),
               (unsigned long long)r.attempts_outage, (unsigned long long)r.peak_after,
               (unsigned long long)r.refused_after, (unsigned long long)r.attempts_after);
        print_ms(r.all_done_ms);
        printf(" |\n");
    }
    printf("\n\"all succeeded\": from the recovery to the last account's success.\n\n");

    printf("Credential storm: one account, credentials always rejected, 4 connections, 24 h.\n\n");
    printf("| %-38s | %-8s | %16s | %14s | %12s |\n", "strategy", "login", "worst 10 min", "worst hour",
           "total 24 h");
    printf("| %-38s | %-8s | %16s | %14s | %12s |\n", "---", "---", "---:", "---:", "---:");
    {
        static const enum lockout_strategy ls[] = {
            LOCKOUT_NAIVE, LOCKOUT_ADVISOR_UNATTENDED, LOCKOUT_ADVISOR_USER,
        };
        int oauth;
        for (i = 0; i < sizeof ls / sizeof ls[0]; i++) {
            for (oauth = 0; oauth < 2; oauth++) {
                struct lockout_result lr;
                if (ls[i] == LOCKOUT_NAIVE && oauth)
                    continue;
                if (lockout_run(ls[i], oauth, 4, 24, cfg.seed, &lr) != 0) {
                    fprintf(stderr, "retry-storm: %s failed\n", lockout_strategy_name(ls[i]));
                    return 1;
                }
                printf("| %-38s | %-8s | %16u | %14u | %12u |\n", lockout_strategy_name(ls[i]),
                       oauth ? "OAuth" : "password", lr.worst_10min, lr.worst_hour, lr.total);
            }
        }
    }
    return 0;
}
