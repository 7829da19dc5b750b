package dev.hostquery.linux.audit;

/**
 * struct audit_status of linux/audit.h, as AUDIT_GET reports it.
 *
 * @param enabled         0 off, 1 on, 2 locked
 * @param failure         what the kernel does when it cannot log (0 silent, 1 printk, 2 panic)
 * @param pid             pid of the registered audit daemon, 0 for none
 * @param backlogLimit    records that may wait for the daemon
 * @param lost            records lost since boot
 * @param backlogWaitTime how long a task waits for room in the backlog, in jiffies (0: never wait, drop)
 */
public record AuditStatus(int enabled, int failure, int pid, int rateLimit, int backlogLimit, int lost, int backlog,
        int backlogWaitTime) {
}
