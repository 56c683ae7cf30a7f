package dev.gpumem.report;

import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.PhaseEstimate;
import dev.gpumem.estimate.Source;
import dev.gpumem.estimate.Term;
import dev.gpumem.units.ByteFormat;
import java.util.EnumSet;
import java.util.Set;

/**
 * {@code gpumem estimate --explain}: every phase's terms as {@code name = formula = values = result [source]}
 * (from {@link Term#explain()}, so the text cannot drift from the numbers), the two level steps
 * (allocator slack, device overhead), then the notes and the sources cited.
 */
public final class ExplainWriter {
    private ExplainWriter() {
    }

    public static String write(Estimate e) {
        StringBuilder sb = new StringBuilder();
        sb.append("explain (GiB/MiB are 1024-based)\n");
        Set<Source> cited = EnumSet.noneOf(Source.class);
        for (PhaseEstimate p : e.phases()) {
            sb.append("\nphase ").append(p.phase().wire()).append(": allocated ").append(ByteFormat.human(p.allocated()))
                    .append(", reserved ").append(ByteFormat.human(p.reserved())).append(", device ")
                    .append(ByteFormat.human(p.device())).append('\n');
            for (Term t : p.terms()) {
                sb.append("  ").append(t.explain()).append('\n');
                cited.add(t.source());
            }
            sb.append("  allocated = sum of the terms above = ").append(ByteFormat.human(p.allocated())).append('\n');
            sb.append("  allocator_slack = reserved - allocated = ").append(ByteFormat.human(p.reserved()))
                    .append(" - ").append(ByteFormat.human(p.allocated())).append(" = ")
                    .append(ByteFormat.human(p.reserved() - p.allocated())).append('\n');
            sb.append("  context = device - reserved = ").append(ByteFormat.human(p.device())).append(" - ")
                    .append(ByteFormat.human(p.reserved())).append(" = ")
                    .append(ByteFormat.human(p.device() - p.reserved())).append('\n');
            for (Term t : e.outsideAllocator()) {
                sb.append("    of which ").append(t.explain()).append('\n');
                cited.add(t.source());
            }
        }
        if (!e.host().isEmpty()) {
            sb.append("\nhost memory (offload; not in any device level): ").append(ByteFormat.human(e.hostBytes()))
                    .append('\n');
            for (Term t : e.host()) {
                sb.append("  ").append(t.explain()).append('\n');
                cited.add(t.source());
            }
        }
        if (e.accelerate() != null) {
            sb.append('\n').append(EstimateTableWriter.accelerate(e.accelerate(), e.config()));
        }
        if (!e.notes().isEmpty()) {
            sb.append("\nnotes\n");
            e.notes().forEach(n -> sb.append("  - ").append(n).append('\n'));
        }
        if (!cited.isEmpty()) {
            sb.append("\nsources\n");
            cited.forEach(s -> sb.append("  ").append(s.name()).append(": ").append(s.citation()).append('\n'));
        }
        return sb.toString();
    }
}
