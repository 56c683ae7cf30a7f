/*
 * Stub libcuda.so.1 (the driver API): present so that the JNI library's NEEDED entry resolves. A real cudart
 * loaded against it finds none of its private entry points and answers 35 (driver insufficient) to everything.
 */
typedef int CUresult;
CUresult cuInit(unsigned int flags) { (void) flags; return 0; }
CUresult cuDriverGetVersion(int *v) { *v = 13000; return 0; }
CUresult cuDeviceGetCount(int *count) { *count = 0; return 0; }
