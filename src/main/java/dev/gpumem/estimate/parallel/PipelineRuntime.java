package dev.gpumem.estimate.parallel;

/**
 * Whose code moves a pipeline stage's activations and gradients between ranks, which decides what stays allocated
 * between micro-batches. The schedule ({@link PipelineSchedule}) decides how many units are in flight; this decides
 * what each costs beyond its activations.
 */
public enum PipelineRuntime {
    /**
     * Megatron-LM's p2p_communication (and the estimator's default for every framework without its own pipeline
     * code): each receive is a fresh tensor, the stage's input until its backward and a received gradient until the
     * stage's backward ends; the output sent to the next stage is freed at once (megatron/training/arguments.py
     * @307dcf3 core_transformer_config_from_args: deallocate_pipeline_outputs = True; schedules.py
     * deallocate_output_tensor). DeepSpeed's PipelineEngine is counted so too.
     */
    PER_MESSAGE,
    /**
     * torch.distributed.pipelining's PipelineStage, which torchtitan runs (pytorch/pytorch
     * torch/distributed/pipelining/stage.py @0138610): on the first step, {@code _prepare_forward_infra} makes one
     * receive buffer of the stage input per micro-batch (not on the first stage) and {@code _prepare_backward_infra}
     * one receive buffer of the output gradient per micro-batch (not on the last stage), both kept for the run; a
     * micro-batch's output stays in {@code fwd_cache} until its backward; {@code stage_backward} leaves the input's
     * gradient in the receive buffer's {@code .grad} (torch/distributed/pipelining/_backward.py @060ca5d:
     * {@code torch.autograd.backward}, then {@code val.grad}), which {@code clear_runtime_states} drops only when the
     * next step starts (schedules.py {@code step}: "Clean per iteration").
     */
    PERSISTENT_BUFFERS
}
