/*
 * Shared helpers of the stub driver libraries (test doubles only: never measure anything with them).
 * Configuration comes from environment variables read at each call, so one build serves every test:
 *   GPUMEM_STUB_DEVICES   device count (default 1; 0 = no device)
 *   GPUMEM_STUB_TOTAL     device memory total, bytes (default 80 GiB)
 *   GPUMEM_STUB_USED      device-wide used before the workload, bytes (default 256 MiB)
 *   GPUMEM_STUB_RESERVED  driver/firmware reserved (NVML v2 "reserved"), bytes (default 512 MiB)
 *   GPUMEM_STUB_CONTEXT   what a CUDA context costs, bytes (default 500 MiB)
 *   GPUMEM_STUB_FAIL      init | memory | notsupported | oom | driver | nopermission
 *   GPUMEM_STUB_ACCOUNTING=1         accounting mode reported enabled
 *   GPUMEM_STUB_FOREIGN_BYTES=N      one other process (pid 4242) holds N bytes
 *   GPUMEM_STUB_STATE=FILE           the devices and processes NVML reports, re-read at every call so a test can
 *                                    change them while a measurement runs (nvml_stub.c); lines:
 *                                      device=I total=BYTES used=BYTES reserved=BYTES
 *                                      process device=I pid=P used=BYTES
 *                                    the device count is the highest device index + 1 (at most 8); when the file
 *                                    is set, GPUMEM_STUB_DEVICES/TOTAL/USED/RESERVED/FOREIGN_BYTES are not used
 *                                    by NVML (the stub cudart's own allocations still show on device 0)
 */
#ifndef GPUMEM_STUB_COMMON_H
#define GPUMEM_STUB_COMMON_H
#include <stdlib.h>
#include <string.h>

static unsigned long long stub_env_ull(const char *name, unsigned long long dflt) {
    const char *v = getenv(name);
    if (v == NULL || *v == '\0') return dflt;
    return strtoull(v, NULL, 10);
}

static int stub_fail(const char *what) {
    const char *v = getenv("GPUMEM_STUB_FAIL");
    return v != NULL && strcmp(v, what) == 0;
}

#define STUB_DEVICES() ((unsigned int) stub_env_ull("GPUMEM_STUB_DEVICES", 1))
#define STUB_TOTAL() stub_env_ull("GPUMEM_STUB_TOTAL", 80ULL << 30)
#define STUB_USED() stub_env_ull("GPUMEM_STUB_USED", 256ULL << 20)
#define STUB_RESERVED() stub_env_ull("GPUMEM_STUB_RESERVED", 512ULL << 20)
#define STUB_CONTEXT() stub_env_ull("GPUMEM_STUB_CONTEXT", 500ULL << 20)
#endif
