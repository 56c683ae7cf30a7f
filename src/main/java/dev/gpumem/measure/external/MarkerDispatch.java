package dev.gpumem.measure.external;

import dev.gpumem.measure.RankMarks;
import dev.gpumem.measure.RunContext;
import dev.gpumem.measure.RunEvent;
import java.util.List;

/**
 * Turns parsed marker lines into the harness's boundaries (docs/markers.md): a malformed line into a note, a
 * {@code phase=baseline} line into a baseline mark, a line with {@code rank=} into that rank's own boundary (rank
 * 0's lines also drive the job-wide phases, so the job's timeline keeps its bands), any other line into a job-wide
 * boundary.
 */
final class MarkerDispatch {
    private MarkerDispatch() {
    }

    static void apply(List<MarkerTail.Line> lines, RunContext ctx) {
        for (MarkerTail.Line line : lines) {
            MarkerParser.Result r = MarkerParser.parse(line.number(), line.text());
            if (r instanceof MarkerParser.Result.Malformed m) {
                ctx.event(new RunEvent(RunEvent.Kind.NOTE, ctx.currentPhase(), "markers line " + m.lineNumber()
                        + " ignored: " + m.reason() + ": '" + m.line() + "'", null));
            } else if (r instanceof MarkerParser.Result.Ok ok) {
                apply(ok.marker(), ctx);
            }
        }
    }

    private static void apply(Marker mk, RunContext ctx) {
        if (mk.rank() != null) {
            if (mk.pid() == null) {
                ctx.event(new RunEvent(RunEvent.Kind.NOTE, ctx.currentPhase(), "markers line " + mk.lineNumber()
                        + " ignored: rank=" + mk.rank() + " needs pid= (the rank's process id)", null));
                return;
            }
            RankMarks rank = ctx.rank(mk.rank(), mk.pid());
            if (mk.isBaseline()) {
                rank.markBaseline();
            } else if (mk.at() == Marker.At.START) {
                rank.beginPhase(mk.phase());
            } else {
                rank.endPhase(mk.phase(), mk.counters());
            }
            if (mk.rank() != 0) {
                return;
            }
        }
        if (mk.isBaseline()) {
            ctx.markBaseline();
        } else if (mk.at() == Marker.At.START) {
            ctx.beginPhase(mk.phase());
        } else {
            ctx.endPhase(mk.phase(), mk.counters());
        }
    }
}
