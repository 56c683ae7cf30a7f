/**
 * NVML through JavaCPP's {@code org.bytedeco.cuda.global.nvml}: a loader that works where only the driver is
 * installed ({@link dev.gpumem.measure.nvml.NvmlLoader}), a checked layer in which every call's return code is
 * checked and a failure names the call, the code and {@code nvmlErrorString} ({@link dev.gpumem.measure.nvml.Nvml},
 * {@link dev.gpumem.measure.nvml.NvmlDevice}), and the probes: one GPU ({@link dev.gpumem.measure.nvml.NvmlProbe}) or
 * several at once, each rank read on its own ({@link dev.gpumem.measure.nvml.MultiDeviceProbe}).
 * Only long-standing NVML functions are called (present in driver 580): nvmlInit_v2, nvmlShutdown,
 * nvmlErrorString, nvmlDeviceGetCount_v2, nvmlDeviceGetHandleByIndex_v2, nvmlDeviceGetName, nvmlDeviceGetUUID,
 * nvmlSystemGetDriverVersion, nvmlSystemGetNVMLVersion, nvmlSystemGetCudaDriverVersion, nvmlDeviceGetMemoryInfo,
 * nvmlDeviceGetMemoryInfo_v2, nvmlDeviceGetComputeRunningProcesses_v3, nvmlDeviceGetAccountingMode,
 * nvmlDeviceGetAccountingStats.
 * Must not: change any GPU setting (accounting mode is read, never set), allocate device memory, or create a
 * CUDA context.
 */
package dev.gpumem.measure.nvml;
