package dev.hostquery.events.process;

/**
 * A program started: the kernel's exec event, with what /proc/&lt;pid&gt; said when the event was read.
 *
 * @param pid           thread group id of the process
 * @param uptimeSeconds seconds since boot at the event (the kernel's timestamp)
 * @param snapshot      what was read from /proc/&lt;pid&gt;, or null when the process had already exited
 */
public record ProcessExec(long pid, long uptimeSeconds, ProcessSnapshot snapshot) {
}
