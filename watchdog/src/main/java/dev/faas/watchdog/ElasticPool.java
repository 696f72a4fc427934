package dev.faas.watchdog;

import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * As many threads as tasks in flight, reused, idle ones ending after a minute. A cached pool (a SynchronousQueue)
 * starts a thread whenever none is waiting at that instant, and a keep-alive caller's next request arrives while the
 * thread that answered the last one is still finishing up: at 16 connections it grew to 64 request threads, 8 MB of
 * stacks. Here a task waits (up to a millisecond) for a thread that has finished its task but not yet come back for
 * another (the rule of Tomcat's TaskQueue); only when every thread is busy is one started.
 */
final class ElasticPool extends ThreadPoolExecutor {
    private final AtomicInteger submitted = new AtomicInteger();

    ElasticPool(ThreadFactory threads) {
        super(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new HandOff(), threads);
        ((HandOff) getQueue()).pool = this;
    }

    @Override
    public void execute(Runnable task) {
        submitted.incrementAndGet();
        try {
            super.execute(task);
        } catch (RejectedExecutionException e) {
            submitted.decrementAndGet();
            throw e;
        }
    }

    @Override
    protected void afterExecute(Runnable task, Throwable failure) {
        submitted.decrementAndGet();
    }

    private static final class HandOff extends LinkedTransferQueue<Runnable> {
        private static final long serialVersionUID = 1L;
        private transient ElasticPool pool;

        /**
         * false makes the pool start a thread: when no thread waits and none is about to. A task is handed to a
         * thread or refused, never left queued: a thread counted in the pool may be one whose idle minute just ran
         * out, which exits without taking it.
         */
        @Override
        public boolean offer(Runnable task) {
            if (tryTransfer(task)) {
                return true;
            }
            if (pool.submitted.get() > pool.getPoolSize()) {
                return false;
            }
            try {
                return tryTransfer(task, 1, TimeUnit.MILLISECONDS); // the finishing thread is microseconds away
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
