package dev.gpumem.measure;

import java.util.concurrent.atomic.AtomicLong;

/** A probe over a counter the test moves: device used = process used = {@link #used}. */
final class FakeProbe implements Probe {
    final AtomicLong used = new AtomicLong();
    static final DeviceInfo DEVICE = new DeviceInfo(DeviceInfo.Kind.CPU, "fake cpu", null, 1L << 30,
            null, null, null, null);

    @Override
    public DeviceInfo device() {
        return DEVICE;
    }

    @Override
    public Reading read(long tNanos, ProcessTree watched) {
        long u = used.get();
        return new Reading(tNanos, u, null, null, u, null, null);
    }
}
