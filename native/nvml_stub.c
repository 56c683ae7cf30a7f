/*
 * Stub libnvidia-ml.so.1: the NVML calls gpumem makes, with NVML's struct layouts (nvml.h, R580), over the fake
 * device of stub_common.h. When the stub libcudart.so.13 is loaded in the same process its allocations show up
 * in device and per-process use, as a real driver would show them. With GPUMEM_STUB_STATE set, the devices and
 * processes come from that file, re-read at every call (stub_common.h).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <unistd.h>
#include "stub_common.h"

typedef int nvmlReturn_t;
enum {
    NVML_SUCCESS = 0, NVML_ERROR_UNINITIALIZED = 1, NVML_ERROR_INVALID_ARGUMENT = 2,
    NVML_ERROR_NOT_SUPPORTED = 3, NVML_ERROR_NO_PERMISSION = 4, NVML_ERROR_NOT_FOUND = 6,
    NVML_ERROR_INSUFFICIENT_SIZE = 7, NVML_ERROR_DRIVER_NOT_LOADED = 9, NVML_ERROR_GPU_IS_LOST = 15,
    NVML_ERROR_UNKNOWN = 999
};

struct nvmlDevice_st { int index; };
typedef struct nvmlDevice_st *nvmlDevice_t;
typedef struct { unsigned long long total, free, used; } nvmlMemory_t;
typedef struct { unsigned int version; unsigned long long total, reserved, free, used; } nvmlMemory_v2_t;
typedef struct {
    unsigned int pid;
    unsigned long long usedGpuMemory;
    unsigned int gpuInstanceId;
    unsigned int computeInstanceId;
} nvmlProcessInfo_t;
typedef struct {
    unsigned int gpuUtilization;
    unsigned int memoryUtilization;
    unsigned long long maxMemoryUsage;
    unsigned long long time;
    unsigned long long startTime;
    unsigned int isRunning;
    unsigned int reserved[5];
} nvmlAccountingStats_t;

#define NVML_MEMORY_V2 ((unsigned int) (sizeof(nvmlMemory_v2_t) | (2 << 24U)))

static struct nvmlDevice_st devices[8] = {{0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}};
static int initialised;

#define STATE_DEVICES 8
#define STATE_PROCESSES 64
typedef struct { unsigned long long total, used, reserved; } state_device;
typedef struct { unsigned int device, pid; unsigned long long used; } state_process;
typedef struct {
    int active;
    unsigned int count, processes;
    state_device device[STATE_DEVICES];
    state_process process[STATE_PROCESSES];
} stub_state;

/* the value of " key=N" in line; 0 when absent */
static int field(const char *line, const char *key, unsigned long long *out) {
    size_t n = strlen(key);
    for (const char *p = line; (p = strstr(p, key)) != NULL; p += n) {
        if ((p == line || p[-1] == ' ' || p[-1] == '\t') && p[n] == '=') {
            *out = strtoull(p + n + 1, NULL, 10);
            return 1;
        }
    }
    return 0;
}

/* GPUMEM_STUB_STATE, read now; active = 0 when the variable is not set (then the environment configures) */
static void read_state(stub_state *s) {
    memset(s, 0, sizeof(*s));
    const char *path = getenv("GPUMEM_STUB_STATE");
    if (path == NULL || *path == '\0') return;
    s->active = 1;
    FILE *f = fopen(path, "r");
    if (f == NULL) return;
    char line[512];
    while (fgets(line, sizeof(line), f) != NULL) {
        unsigned long long dev, v;
        if (strncmp(line, "process", 7) == 0) {
            unsigned long long pid;
            if (s->processes >= STATE_PROCESSES || !field(line, "device", &dev) || !field(line, "pid", &pid)
                    || dev >= STATE_DEVICES) continue;
            state_process *p = &s->process[s->processes++];
            p->device = (unsigned int) dev;
            p->pid = (unsigned int) pid;
            p->used = field(line, "used", &v) ? v : 0;
        } else if (strncmp(line, "device=", 7) == 0 && field(line, "device", &dev) && dev < STATE_DEVICES) {
            state_device *d = &s->device[dev];
            d->total = field(line, "total", &v) ? v : 80ULL << 30;
            d->used = field(line, "used", &v) ? v : 0;
            d->reserved = field(line, "reserved", &v) ? v : 0;
            if (dev + 1 > s->count) s->count = (unsigned int) dev + 1;
        }
    }
    fclose(f);
}

static unsigned int device_count(void) {
    stub_state s;
    read_state(&s);
    return s.active ? s.count : STUB_DEVICES();
}

/* the stub cudart's state, when it is loaded in this process */
static unsigned long long cudart_call(const char *name) {
    void *h = dlopen("libcudart.so.13", RTLD_LAZY | RTLD_NOLOAD);
    if (h == NULL) return 0;
    unsigned long long (*f)(void) = (unsigned long long (*)(void)) dlsym(h, name);
    unsigned long long v = f == NULL ? 0 : f();
    dlclose(h);
    return v;
}

static unsigned long long own_use(void) {
    void *h = dlopen("libcudart.so.13", RTLD_LAZY | RTLD_NOLOAD);
    if (h == NULL) return 0;
    int (*ctx)(void) = (int (*)(void)) dlsym(h, "gpumemStubContext");
    int has = ctx != NULL && ctx();
    dlclose(h);
    return has ? STUB_CONTEXT() + cudart_call("gpumemStubAllocated") : 0;
}

static nvmlReturn_t check(nvmlDevice_t d) {
    if (!initialised) return NVML_ERROR_UNINITIALIZED;
    if (d == NULL || d->index < 0 || (unsigned int) d->index >= device_count()) return NVML_ERROR_INVALID_ARGUMENT;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlInit_v2(void) {
    if (stub_fail("init")) return NVML_ERROR_DRIVER_NOT_LOADED;
    initialised = 1;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlShutdown(void) {
    if (!initialised) return NVML_ERROR_UNINITIALIZED;
    initialised = 0;
    return NVML_SUCCESS;
}

const char *nvmlErrorString(nvmlReturn_t r) {
    switch (r) {
        case NVML_SUCCESS: return "Success";
        case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
        case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
        case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
        case NVML_ERROR_NO_PERMISSION: return "Insufficient Permissions";
        case NVML_ERROR_NOT_FOUND: return "Not Found";
        case NVML_ERROR_INSUFFICIENT_SIZE: return "Insufficient Size";
        case NVML_ERROR_DRIVER_NOT_LOADED: return "Driver Not Loaded";
        case NVML_ERROR_GPU_IS_LOST: return "GPU is lost";
        default: return "Unknown Error";
    }
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) {
    if (!initialised) return NVML_ERROR_UNINITIALIZED;
    *count = device_count();
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
    if (!initialised) return NVML_ERROR_UNINITIALIZED;
    if (index >= device_count() || index >= 8) return NVML_ERROR_INVALID_ARGUMENT;
    *device = &devices[index];
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t d, char *name, unsigned int length) {
    nvmlReturn_t rc = check(d);
    if (rc != NVML_SUCCESS) return rc;
    /* GPUMEM_STUB_NAME dresses the stub as a product ("GPUMEM STUB NVIDIA H100 80GB HBM3"); the prefix stays, so
       profiles made on it are still test doubles */
    const char *product = getenv("GPUMEM_STUB_NAME");
    int n = product != NULL && *product ? snprintf(name, length, "GPUMEM STUB %s", product)
            : snprintf(name, length, "GPUMEM STUB GPU %d", d->index);
    if (n >= (int) length) return NVML_ERROR_INSUFFICIENT_SIZE;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t d, char *uuid, unsigned int length) {
    nvmlReturn_t rc = check(d);
    if (rc != NVML_SUCCESS) return rc;
    if (snprintf(uuid, length, "GPU-57ab0000-0000-0000-0000-00000000000%d", d->index) >= (int) length)
        return NVML_ERROR_INSUFFICIENT_SIZE;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlSystemGetDriverVersion(char *v, unsigned int length) {
    if (!initialised) return NVML_ERROR_UNINITIALIZED;
    snprintf(v, length, "580.00-stub");
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlSystemGetNVMLVersion(char *v, unsigned int length) {
    snprintf(v, length, "13.580.00-stub");
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlSystemGetCudaDriverVersion(int *v) {
    if (!initialised) return NVML_ERROR_UNINITIALIZED;
    *v = 13000;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t d, nvmlMemory_t *m) {
    nvmlReturn_t rc = check(d);
    if (rc != NVML_SUCCESS) return rc;
    if (stub_fail("memory")) return NVML_ERROR_GPU_IS_LOST;
    stub_state s;
    read_state(&s);
    if (s.active) {
        state_device *sd = &s.device[d->index];
        m->total = sd->total;
        m->used = sd->reserved + sd->used + (d->index == 0 ? own_use() : 0);
        m->free = m->used >= m->total ? 0 : m->total - m->used;
        return NVML_SUCCESS;
    }
    unsigned long long used = STUB_RESERVED() + STUB_USED() + own_use() + stub_env_ull("GPUMEM_STUB_FOREIGN_BYTES", 0);
    m->total = STUB_TOTAL();
    m->used = used;
    m->free = used >= m->total ? 0 : m->total - used;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t d, nvmlMemory_v2_t *m) {
    nvmlReturn_t rc = check(d);
    if (rc != NVML_SUCCESS) return rc;
    if (stub_fail("memory")) return NVML_ERROR_GPU_IS_LOST;
    if (stub_fail("notsupported")) return NVML_ERROR_NOT_SUPPORTED;
    if (m->version != NVML_MEMORY_V2) return NVML_ERROR_INVALID_ARGUMENT;
    stub_state s;
    read_state(&s);
    if (s.active) {
        state_device *sd = &s.device[d->index];
        m->total = sd->total;
        m->reserved = sd->reserved;
        m->used = sd->used + (d->index == 0 ? own_use() : 0);
    } else {
        m->total = STUB_TOTAL();
        m->reserved = STUB_RESERVED();
        m->used = STUB_USED() + own_use() + stub_env_ull("GPUMEM_STUB_FOREIGN_BYTES", 0);
    }
    unsigned long long busy = m->used + m->reserved;
    m->free = busy >= m->total ? 0 : m->total - busy;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t d, unsigned int *count, nvmlProcessInfo_t *infos) {
    nvmlReturn_t rc = check(d);
    if (rc != NVML_SUCCESS) return rc;
    if (stub_fail("notsupported")) return NVML_ERROR_NOT_SUPPORTED;
    nvmlProcessInfo_t list[STATE_PROCESSES + 2];
    unsigned int n = 0;
    stub_state s;
    read_state(&s);
    unsigned long long own = s.active && d->index != 0 ? 0 : own_use();
    for (unsigned int i = 0; i < s.processes; i++) {
        if (s.process[i].device != (unsigned int) d->index) continue;
        list[n].pid = s.process[i].pid;
        list[n].usedGpuMemory = s.process[i].used;
        list[n].gpuInstanceId = 0xFFFFFFFF;
        list[n].computeInstanceId = 0xFFFFFFFF;
        n++;
    }
    if (own > 0) {
        list[n].pid = (unsigned int) getpid();
        list[n].usedGpuMemory = own;
        list[n].gpuInstanceId = 0xFFFFFFFF;
        list[n].computeInstanceId = 0xFFFFFFFF;
        n++;
    }
    unsigned long long foreign = s.active ? 0 : stub_env_ull("GPUMEM_STUB_FOREIGN_BYTES", 0);
    if (foreign > 0) {
        list[n].pid = 4242;
        list[n].usedGpuMemory = foreign;
        list[n].gpuInstanceId = 0xFFFFFFFF;
        list[n].computeInstanceId = 0xFFFFFFFF;
        n++;
    }
    if (infos == NULL || *count < n) {
        *count = n;
        return n == 0 ? NVML_SUCCESS : NVML_ERROR_INSUFFICIENT_SIZE;
    }
    for (unsigned int i = 0; i < n; i++) infos[i] = list[i];
    *count = n;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetAccountingMode(nvmlDevice_t d, int *mode) {
    nvmlReturn_t rc = check(d);
    if (rc != NVML_SUCCESS) return rc;
    if (stub_fail("notsupported")) return NVML_ERROR_NOT_SUPPORTED;
    *mode = stub_env_ull("GPUMEM_STUB_ACCOUNTING", 0) ? 1 : 0;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetAccountingStats(nvmlDevice_t d, unsigned int pid, nvmlAccountingStats_t *s) {
    nvmlReturn_t rc = check(d);
    if (rc != NVML_SUCCESS) return rc;
    if (!stub_env_ull("GPUMEM_STUB_ACCOUNTING", 0)) return NVML_ERROR_NOT_SUPPORTED;
    if (pid != (unsigned int) getpid() || own_use() == 0) return NVML_ERROR_NOT_FOUND;
    memset(s, 0, sizeof(*s));
    s->maxMemoryUsage = STUB_CONTEXT() + cudart_call("gpumemStubPeak");
    s->isRunning = 1;
    return NVML_SUCCESS;
}
