/**
 * The CUDA runtime through JavaCPP's {@code org.bytedeco.cuda.global.cudart}: a checked wrapper
 * ({@link dev.gpumem.measure.cuda.CudaRuntime}) in which every return code is checked and a failure names the call,
 * the code, cudaGetErrorName and cudaGetErrorString, and the device memory the GPU replay allocates through
 * ({@link dev.gpumem.measure.cuda.CudaMemory}). Only long-standing runtime functions are called (present in
 * cudart 13.0): cudaGetDeviceCount, cudaSetDevice, cudaMalloc, cudaFree, cudaMemset, cudaMemGetInfo,
 * cudaDeviceSynchronize, cudaRuntimeGetVersion, cudaDriverGetVersion, cudaGetErrorName, cudaGetErrorString.
 * Must not: read NVML (measure.nvml does) or write files.
 */
package dev.gpumem.measure.cuda;
