package dev.gpumem.cli;

import dev.gpumem.estimate.Component;
import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.Phase;
import dev.gpumem.estimate.PhaseEstimate;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.Source;
import dev.gpumem.estimate.Term;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.InventoryBuilder;
import dev.gpumem.units.DType;
import java.util.List;

/**
 * Test doubles for the CLI seams: a tiny hand-written inventory and an estimate function whose numbers are
 * simple and monotone in batch (weights 1 GiB + activations batch × seq × 1 KiB; device = allocated + 512 MiB).
 */
final class FakeEstimates {
    static final long GIB = 1L << 30;
    static final long MIB = 1L << 20;

    private FakeEstimates() {
    }

    static Inventory tinyInventory(String source) {
        Architecture a = new Architecture("llama", Architecture.StackKind.DECODER_ONLY, 64, 2, 0, 4, 4, 16, 128, 1000,
                256, Architecture.NormKind.RMS_NORM, Architecture.MlpKind.GATED, Architecture.Activation.SILU,
                Architecture.PositionKind.ROPE, false, false, false, false, 0, 0, Architecture.Moe.NONE,
                Architecture.Head.causalLm(), Architecture.Quantization.NONE, DType.BF16);
        return InventoryBuilder.decoder(source, a, List.of());
    }

    static Estimate estimate(Inventory inv, RunConfig c) {
        long weights = GIB;
        long act = Math.multiplyExact((long) c.batch() * c.seq(), 1024L);
        Term w = new Term("weights", Component.WEIGHTS, Source.INVENTORY, "1 GiB", "1 GiB", weights);
        Term a = new Term("activations", Component.ACTIVATIONS, Source.AUTOGRAD_SAVED, "b·s·1 KiB",
                c.batch() + "·" + c.seq() + "·1024", act);
        PhaseEstimate load = new PhaseEstimate(Phase.LOAD, weights, weights, weights + 512 * MIB, List.of(w));
        PhaseEstimate fwd = new PhaseEstimate(Phase.FORWARD, weights + act, weights + act, weights + act + 512 * MIB,
                List.of(w, a));
        // complete, as the Estimator's: the fit verdict when the request names a GPU
        long peak = fwd.device();
        Estimate.FitVerdict fit = c.gpu() == null ? null
                : new Estimate.FitVerdict(c.gpu(), peak, c.gpu().totalBytes() - peak, peak <= c.gpu().totalBytes());
        return new Estimate(c, inv.parameterCount(), inv.parameterCount(), List.of(load, fwd), fit, null,
                List.of("fake estimate for tests"));
    }
}
