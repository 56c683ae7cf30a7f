/*
 * Stub libcudart.so.13: the CUDA runtime calls gpumem makes, over a fake device whose size comes from
 * GPUMEM_STUB_* (stub_common.h). Device pointers are fake addresses, never dereferenced. Exports its state
 * (gpumemStubAllocated, gpumemStubPeak, gpumemStubContext) for the stub NVML. Needs cudart.map: the JNI library
 * imports cudart symbols at version node libcudart.so.13, and ld.so asserts without it.
 */
#include <stddef.h>
#include "stub_common.h"

typedef int cudaError_t;
enum {
    cudaSuccess = 0, cudaErrorInvalidValue = 1, cudaErrorMemoryAllocation = 2,
    cudaErrorInsufficientDriver = 35, cudaErrorNoDevice = 100, cudaErrorInvalidDevice = 101
};

#define MAX_BLOCKS 65536
static unsigned long long block_addr[MAX_BLOCKS];
static unsigned long long block_size[MAX_BLOCKS];
static unsigned long long next_addr = 0x7f0000000000ULL;
static unsigned long long allocated, peak;
static int context;

unsigned long long gpumemStubAllocated(void) { return allocated; }
unsigned long long gpumemStubPeak(void) { return peak; }
int gpumemStubContext(void) { return context; }

static cudaError_t ready(void) {
    if (stub_fail("driver")) return cudaErrorInsufficientDriver;
    if (STUB_DEVICES() == 0) return cudaErrorNoDevice;
    context = 1;
    return cudaSuccess;
}

cudaError_t cudaGetDeviceCount(int *count) {
    if (stub_fail("driver")) return cudaErrorInsufficientDriver;
    *count = (int) STUB_DEVICES();
    return *count == 0 ? cudaErrorNoDevice : cudaSuccess;
}

cudaError_t cudaSetDevice(int device) {
    cudaError_t rc = ready();
    if (rc != cudaSuccess) return rc;
    if (device < 0 || (unsigned int) device >= STUB_DEVICES()) return cudaErrorInvalidDevice;
    return cudaSuccess;
}

static unsigned long long free_bytes(void) {
    unsigned long long busy = STUB_USED() + STUB_RESERVED() + (context ? STUB_CONTEXT() : 0) + allocated;
    return busy >= STUB_TOTAL() ? 0 : STUB_TOTAL() - busy;
}

cudaError_t cudaMalloc(void **ptr, size_t size) {
    cudaError_t rc = ready();
    if (rc != cudaSuccess) return rc;
    if (stub_fail("oom") || size > free_bytes()) return cudaErrorMemoryAllocation;
    for (int i = 0; i < MAX_BLOCKS; i++) {
        if (block_addr[i] == 0) {
            block_addr[i] = next_addr;
            block_size[i] = size;
            next_addr += (size + 0xFFFFF) & ~0xFFFFFULL;
            allocated += size;
            if (allocated > peak) peak = allocated;
            *ptr = (void *) block_addr[i];
            return cudaSuccess;
        }
    }
    return cudaErrorMemoryAllocation;
}

static int find(const void *ptr) {
    for (int i = 0; i < MAX_BLOCKS; i++) {
        if (block_addr[i] != 0 && block_addr[i] == (unsigned long long) ptr) return i;
    }
    return -1;
}

cudaError_t cudaFree(void *ptr) {
    cudaError_t rc = ready();
    if (rc != cudaSuccess) return rc;
    if (ptr == NULL) return cudaSuccess;
    int i = find(ptr);
    if (i < 0) return cudaErrorInvalidValue;
    allocated -= block_size[i];
    block_addr[i] = 0;
    block_size[i] = 0;
    return cudaSuccess;
}

cudaError_t cudaMemset(void *ptr, int value, size_t count) {
    (void) value;
    cudaError_t rc = ready();
    if (rc != cudaSuccess) return rc;
    int i = find(ptr);
    if (i < 0 || count > block_size[i]) return cudaErrorInvalidValue;
    return cudaSuccess;
}

cudaError_t cudaMemGetInfo(size_t *free, size_t *total) {
    cudaError_t rc = ready();
    if (rc != cudaSuccess) return rc;
    *free = free_bytes();
    *total = STUB_TOTAL();
    return cudaSuccess;
}

cudaError_t cudaDeviceSynchronize(void) { return ready(); }

cudaError_t cudaRuntimeGetVersion(int *v) { *v = 13000; return cudaSuccess; }

cudaError_t cudaDriverGetVersion(int *v) {
    *v = stub_fail("driver") ? 0 : 13000;
    return cudaSuccess;
}

cudaError_t cudaGetLastError(void) { return cudaSuccess; }

const char *cudaGetErrorName(cudaError_t e) {
    switch (e) {
        case cudaSuccess: return "cudaSuccess";
        case cudaErrorInvalidValue: return "cudaErrorInvalidValue";
        case cudaErrorMemoryAllocation: return "cudaErrorMemoryAllocation";
        case cudaErrorInsufficientDriver: return "cudaErrorInsufficientDriver";
        case cudaErrorNoDevice: return "cudaErrorNoDevice";
        case cudaErrorInvalidDevice: return "cudaErrorInvalidDevice";
        default: return "cudaErrorUnknown";
    }
}

const char *cudaGetErrorString(cudaError_t e) {
    switch (e) {
        case cudaSuccess: return "no error";
        case cudaErrorInvalidValue: return "invalid argument";
        case cudaErrorMemoryAllocation: return "out of memory";
        case cudaErrorInsufficientDriver: return "CUDA driver version is insufficient for CUDA runtime version";
        case cudaErrorNoDevice: return "no CUDA-capable device is detected";
        case cudaErrorInvalidDevice: return "invalid device ordinal";
        default: return "unknown error";
    }
}
