package dev.gpumem.measure;

import java.time.Duration;
import java.util.Objects;

/** How a run ended. Out of memory, a failed child and a timeout are results, not exceptions. */
public sealed interface RunOutcome
        permits RunOutcome.Completed, RunOutcome.OutOfMemory, RunOutcome.ChildFailed, RunOutcome.TimedOut,
        RunOutcome.Interrupted {

    /** The workload ran to its end. */
    record Completed() implements RunOutcome {
    }

    /**
     * The device (or host) refused an allocation; everything was freed afterwards.
     *
     * @param phase          phase wire name the allocation belonged to
     * @param requestedBytes bytes asked for
     * @param freeBytes      free bytes the device reported at the failure, or -1 when unknown
     */
    record OutOfMemory(String phase, long requestedBytes, long freeBytes) implements RunOutcome {
        public OutOfMemory {
            Objects.requireNonNull(phase, "phase");
        }
    }

    /**
     * The child process (or in-process workload) failed.
     *
     * @param exitCode the child's exit status, or -1 for an in-process failure
     * @param message  one sentence
     */
    record ChildFailed(int exitCode, String message) implements RunOutcome {
        public ChildFailed {
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * The workload was killed after {@code limit}.
     *
     * @param limit the timeout that expired
     */
    record TimedOut(Duration limit) implements RunOutcome {
        public TimedOut {
            Objects.requireNonNull(limit, "limit");
        }
    }

    /**
     * The run was stopped early on request ({@link StopRequest}: SIGINT or SIGTERM to gpumem); the phases up to the
     * stop are kept, the one in progress is cut short, and every process of the workload was ended.
     *
     * @param cause what asked for the stop, e.g. {@code SIGTERM}
     */
    record Interrupted(String cause) implements RunOutcome {
        public Interrupted {
            Objects.requireNonNull(cause, "cause");
        }
    }
}
