package dev.hostquery.events.framework;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Owns one OS event source and hands what it reads to its subscribers. Runs its reader on a platform thread of
 * its own between {@link #start()} and {@link #close()}; a publisher is started once.
 *
 * <p>Subscribers are kept by name: registering a subscriber twice, or two subscribers with one name, leaves one
 * subscription, so no event is ever delivered twice.
 *
 * @param <E> the raw event type of the source
 */
public abstract class EventPublisher<E> implements AutoCloseable {
    /** Lifecycle states shown by the introspection tables. */
    public enum State { NEW, RUNNING, STOPPED, FAILED }

    private final String name;
    private final Map<String, EventSubscriber<E>> subscribers = new ConcurrentHashMap<>();
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile String error;
    private volatile boolean stopping;
    private Thread thread;

    protected EventPublisher(String name) {
        this.name = name;
    }

    public final String name() {
        return name;
    }

    /** Adds a subscriber; a second registration under the same name replaces nothing and returns false. */
    public final boolean subscribe(EventSubscriber<E> subscriber) {
        return subscribers.putIfAbsent(subscriber.name(), subscriber) == null;
    }

    public final List<EventSubscriber<E>> subscribers() {
        return List.copyOf(subscribers.values());
    }

    /**
     * Opens the source and starts the reader thread.
     *
     * @throws IllegalStateException when the publisher was started before, or the source cannot be opened
     *                               (the state is then FAILED and {@link #error()} says why)
     */
    public final synchronized void start() {
        if (!state.compareAndSet(State.NEW, State.RUNNING)) {
            throw new IllegalStateException("publisher " + name + " was already started (" + state.get() + ")");
        }
        try {
            open();
        } catch (Exception e) {
            fail(e);
            throw new IllegalStateException("publisher " + name + " cannot start: " + e.getMessage(), e);
        }
        thread = Thread.ofPlatform().name("hostquery-publisher-" + name).daemon(true).start(() -> {
            try {
                while (!stopping) {
                    poll();
                }
            } catch (Exception e) {
                if (!stopping) {
                    fail(e);
                }
            } finally {
                closeSource();
                state.compareAndSet(State.RUNNING, State.STOPPED);
            }
        });
    }

    /** Stops the reader, waits for it to finish, and closes the source; idempotent. */
    @Override
    public final synchronized void close() {
        stopping = true;
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        } else if (state.compareAndSet(State.NEW, State.STOPPED)) {
            return;
        }
        state.compareAndSet(State.RUNNING, State.STOPPED);
    }

    public final State state() {
        return state.get();
    }

    /** Why the publisher failed, or null. */
    public final String error() {
        return error;
    }

    /** Raw events read from the source. */
    public final long events() {
        return events.get();
    }

    /** Events the source lost (queue overflows, receive buffer overruns); counted where the source says how many. */
    public final long dropped() {
        return dropped.get();
    }

    /** True once {@link #close()} was called: {@link #poll()} should return soon. */
    protected final boolean stopping() {
        return stopping;
    }

    /** Hands a batch of raw events to every subscriber. */
    protected final void publish(List<E> batch) {
        if (batch.isEmpty()) {
            return;
        }
        events.addAndGet(batch.size());
        for (EventSubscriber<E> subscriber : subscribers.values()) {
            subscriber.handle(batch);
        }
    }

    protected final void countDropped(long count) {
        dropped.addAndGet(count);
    }

    private void fail(Exception e) {
        error = e.getMessage() == null ? e.toString() : e.getMessage();
        state.set(State.FAILED);
        System.getLogger(getClass().getName()).log(System.Logger.Level.WARNING, "event publisher " + name + " failed: " + error);
    }

    /** Opens the OS source (a file descriptor, a socket); throws with a message naming what failed. */
    protected abstract void open() throws Exception;

    /** Waits a short while (at most about 500 ms, so that close() is prompt) for events and publishes what arrived. */
    protected abstract void poll() throws Exception;

    /** Closes the OS source; called once, on the reader thread, when it stops. */
    protected abstract void closeSource();
}
