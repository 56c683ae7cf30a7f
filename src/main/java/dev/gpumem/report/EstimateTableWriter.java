package dev.gpumem.report;

import dev.gpumem.estimate.Component;
import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.Estimate.AccelerateNumbers;
import dev.gpumem.estimate.Estimate.FitVerdict;
import dev.gpumem.estimate.Level;
import dev.gpumem.estimate.PhaseEstimate;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.compat.AccelerateCompat;
import dev.gpumem.units.ByteFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The readable table {@code gpumem estimate} prints by default: one row per phase with the three levels, the
 * peak marked, the components of every phase, the fit verdict with its headroom, the host memory an offloading run
 * keeps, accelerate's numbers when asked, and the notes. Every number is in GiB (1024³ bytes), and the header says so.
 */
public final class EstimateTableWriter {
    private EstimateTableWriter() {
    }

    public static String write(Estimate e) {
        StringBuilder sb = new StringBuilder();
        RunConfig c = e.config();
        sb.append("gpumem estimate").append(c.id().isEmpty() ? "" : " [" + c.id() + "]").append(": ")
                .append(c.model()).append(" · ").append(describe(c)).append('\n');
        sb.append("parameters ").append(ByteFormat.grouped(e.params())).append(", trainable ")
                .append(ByteFormat.grouped(e.trainableParams())).append('\n');
        sb.append("units: GiB = 1024³ bytes\n\n");

        PhaseEstimate peak = e.peak(Level.DEVICE);
        List<PhaseEstimate> phases = e.phases();
        sb.append(String.format(Locale.ROOT, "%-16s %11s %11s %11s%n", "phase", "allocated", "reserved", "device"));
        for (PhaseEstimate p : phases) {
            sb.append(String.format(Locale.ROOT, "%-16s %11s %11s %11s%s%n", p.phase().wire(), gib(p.allocated()),
                    gib(p.reserved()), gib(p.device()), p == peak ? "   <- peak" : ""));
        }
        sb.append(String.format(Locale.ROOT, "%-16s %11s %11s %11s%n", "peak", gib(e.peak(Level.ALLOCATED).allocated()),
                gib(e.peak(Level.RESERVED).reserved()), gib(peak.device())));

        sb.append("\ncomponents (GiB)\n");
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-18s", "component"));
        for (PhaseEstimate p : phases) {
            head.append(String.format(Locale.ROOT, " %14s", p.phase().wire()));
        }
        sb.append(head.toString().stripTrailing()).append('\n');
        List<Map<Component, Long>> comps = new ArrayList<>();
        phases.forEach(p -> comps.add(p.components()));
        for (Component comp : Component.values()) {
            boolean any = comps.stream().anyMatch(m -> m.getOrDefault(comp, 0L) != 0L);
            if (!any) {
                continue;
            }
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-18s", comp.wire()));
            for (Map<Component, Long> m : comps) {
                row.append(String.format(Locale.ROOT, " %14s", gib(m.getOrDefault(comp, 0L))));
            }
            sb.append(row).append('\n');
        }

        FitVerdict fit = e.fit();
        if (fit != null) {
            sb.append('\n').append(fitLine(fit)).append('\n');
            if (!fit.fits()) {
                sb.append("  gpumem suggest (same flags) lists the changes that lower the peak and a combination "
                        + "that fits\n");
            }
        }
        if (!e.host().isEmpty()) {
            sb.append('\n').append("host memory (offload " + c.framework().offload().wire() + "): ")
                    .append(gib(e.hostBytes())).append(" GiB, in no device level\n");
        }
        AccelerateNumbers a = e.accelerate();
        if (a != null) {
            sb.append('\n').append(accelerate(a, c)).append(reconcile(a, e));
        }
        if (!e.notes().isEmpty()) {
            sb.append("\nnotes\n");
            e.notes().forEach(n -> sb.append("  - ").append(n).append('\n'));
        }
        return sb.toString();
    }

    /** @return e.g. "gpu h100-80gb (79.65 GiB): fits, headroom 12.30 GiB at peak device 67.35 GiB" (headroom in
     *          MiB or KiB when under 1 GiB) */
    public static String fitLine(FitVerdict fit) {
        return "gpu " + fit.gpu().name() + " (" + ByteFormat.gib(fit.gpu().totalBytes()) + "): "
                + (fit.fits() ? "fits, headroom " + ByteFormat.human(fit.headroomBytes())
                        : "DOES NOT FIT, short by " + ByteFormat.human(-fit.headroomBytes()))
                + " at peak device " + ByteFormat.gib(fit.peakDevice());
    }

    static String accelerate(AccelerateNumbers a, RunConfig c) {
        StringBuilder sb = new StringBuilder();
        sb.append("Hugging Face accelerate estimate-memory --dtypes ")
                .append(AccelerateCompat.AccelerateDtype.of(c.precision()).accelerateName())
                .append(" would print (its \"GB\"/\"MB\" are GiB/MiB):\n");
        boolean training = c.task() == RunConfig.Task.TRAIN;
        sb.append("  largest layer ").append(ByteFormat.mib(a.largestLayerBytes())).append(", total ")
                .append(ByteFormat.gib(a.totalBytes()));
        if (!training) {
            // accelerate prints its Adam figure for every model; it says nothing about an inference run
            sb.append(" (its \"training using Adam\" column is left out: this request is inference)\n");
        } else {
            sb.append(", training using Adam ")
                    .append(a.trainingPeakBytes() < 0 ? "N/A" : ByteFormat.gib(a.trainingPeakBytes())).append('\n');
        }
        if (training && a.trainingPeakBytes() >= 0) {
            sb.append("  stages (a maximum, not a sum): model ").append(ByteFormat.gib(a.modelStage()))
                    .append(" / gradient calculation ").append(ByteFormat.gib(a.gradientStage()))
                    .append(" / backward pass ").append(ByteFormat.gib(a.backwardStage()))
                    .append(" / optimizer step ").append(ByteFormat.gib(a.optimizerStage())).append('\n');
        }
        sb.append("  it leaves out:\n");
        a.leftOut().forEach(x -> sb.append("    - ").append(x).append('\n'));
        return sb.toString();
    }

    /**
     * @return for a training request with accelerate's Adam figure, one line setting gpumem's peak allocated, by
     *         component, beside accelerate's largest stage (empty otherwise): the two are not the same quantity,
     *         and the line says in numbers how they differ
     */
    static String reconcile(AccelerateNumbers a, Estimate e) {
        if (e.config().task() != RunConfig.Task.TRAIN || a.trainingPeakBytes() < 0) {
            return "";
        }
        PhaseEstimate peak = e.peak(Level.ALLOCATED);
        StringBuilder parts = new StringBuilder();
        for (Map.Entry<Component, Long> c : peak.allocatedComponents().entrySet()) {
            if (c.getValue() > 0) {
                parts.append(parts.length() == 0 ? "" : " + ").append(c.getKey().wire()).append(' ')
                        .append(ByteFormat.gib(c.getValue()));
            }
        }
        String stage = a.trainingPeakBytes() == a.backwardStage() ? "backward pass"
                : a.trainingPeakBytes() == a.optimizerStage() ? "optimizer step"
                : a.trainingPeakBytes() == a.gradientStage() ? "gradient calculation" : "model";
        long difference = peak.allocated() - a.trainingPeakBytes();
        return "  against gpumem: peak allocated " + ByteFormat.gib(peak.allocated()) + " in " + peak.phase().wire()
                + " = " + parts + "; accelerate's " + ByteFormat.gib(a.trainingPeakBytes()) + " is its largest stage ("
                + stage + "), one quantity of the fp32 model size, not a sum of live tensors; gpumem "
                + (difference >= 0 ? "is " + ByteFormat.gib(difference) + " above it" : "is "
                        + ByteFormat.gib(-difference) + " below it") + "\n";
    }

    static String describe(RunConfig c) {
        StringBuilder sb = new StringBuilder();
        sb.append(c.task().wire()).append(" · ").append(c.precision().wire());
        if (c.task() == RunConfig.Task.TRAIN) {
            sb.append(" · ").append(c.optimizer().wire()).append(" · batch ").append(c.batch()).append(" × seq ")
                    .append(c.seq());
            if (c.gradAccum() > 1) {
                sb.append(" × accum ").append(c.gradAccum());
            }
            if (c.finetune().method() != RunConfig.FinetuneMethod.FULL) {
                sb.append(" · ").append(c.finetune().method().wire()).append(" r=").append(c.finetune().rank());
            }
            sb.append(" · checkpointing ").append(c.checkpointing().wire());
        } else {
            sb.append(" · prompt ").append(c.seq()).append(" · batch ").append(c.inference().batch())
                    .append(" × context ").append(c.inference().contextTokens());
        }
        sb.append(" · ").append(c.attention().wire());
        return sb.toString();
    }

    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f", bytes / (double) ByteFormat.GIB);
    }
}
