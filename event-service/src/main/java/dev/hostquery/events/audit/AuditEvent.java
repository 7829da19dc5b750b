package dev.hostquery.events.audit;

import java.util.List;
import java.util.Map;

/**
 * One audited syscall: the records the kernel sent under one serial, up to the end-of-event record.
 *
 * @param serial     the kernel's event serial
 * @param timeMicros the kernel's time of the event, microseconds since the epoch
 * @param syscall    fields of the SYSCALL record (syscall, success, exit, a0…, pid, ppid, auid, uid…, exe, key)
 * @param execve     fields of the EXECVE record (argc, a0…), or empty
 * @param cwd        the CWD record's directory, or null
 * @param sockaddr   the SOCKADDR record's saddr (hex), or null
 * @param paths      fields of the PATH records, in item order
 */
public record AuditEvent(long serial, long timeMicros, Map<String, String> syscall, Map<String, String> execve, String cwd,
        String sockaddr, List<Map<String, String>> paths) {

    public int syscallNumber() {
        try {
            return Integer.parseInt(syscall.getOrDefault("syscall", "-1"));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A numeric field of the SYSCALL record, or null. */
    public Long number(String field) {
        return dev.hostquery.linux.Values.parseLong(syscall.get(field));
    }
}
