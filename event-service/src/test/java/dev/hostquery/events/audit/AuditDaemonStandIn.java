package dev.hostquery.events.audit;

import dev.hostquery.linux.audit.AuditNetlink;

/** A process that registers itself as the audit daemon and waits, to stand in for auditd in tests. */
public final class AuditDaemonStandIn {
    public static void main(String[] args) throws Exception {
        try (AuditNetlink netlink = new AuditNetlink()) {
            netlink.set(AuditNetlink.AUDIT_STATUS_PID, 0, (int) ProcessHandle.current().pid(), 0, 0);
            System.out.println("registered");
            System.out.flush();
            Thread.sleep(60_000);
        }
    }
}
