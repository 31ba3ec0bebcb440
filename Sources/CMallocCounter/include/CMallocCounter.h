// Counts heap allocations made by the process, for allocation-per-message figures in Bench.
//
// Linking this target into an executable interposes malloc/calloc/realloc/posix_memalign/
// aligned_alloc/memalign (the executable's definitions win over libc's) and forwards to
// glibc's __libc_* entry points. Only the Bench executable links it.
#ifndef CMALLOCCOUNTER_H
#define CMALLOCCOUNTER_H

/// Number of allocation calls since the process started.
unsigned long long CMallocCounter_allocations(void);
/// Number of allocation calls made by the calling thread.
unsigned long long CMallocCounter_threadAllocations(void);

#endif
