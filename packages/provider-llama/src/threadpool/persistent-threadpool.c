/*
 * Gives every llama.cpp context that node-llama-cpp creates a persistent ggml thread pool.
 *
 * node-llama-cpp never attaches a thread pool to its contexts, so ggml starts and joins fresh worker
 * threads for every llama_decode: once per generated token. On a 2-core machine that costs 10-20 % of
 * generation speed against llama.cpp's own tools, which keep their workers alive (and polling) between
 * tokens. Loaded into the model process with LD_PRELOAD, this library wraps llama_init_from_model and
 * llama_free: after the real context is created it attaches a pool of the context's thread count, the
 * same pool llama-bench and llama-cli use, and frees the pool with the context.
 *
 * It is compiled on the user's machine against the headers of the exact llama.cpp that node-llama-cpp
 * ships (the struct passed by value must match), and it finds the real functions in whichever
 * libllama the addon loaded. SWITCHBOARD_LLAMA_THREADPOOL_POLL (0-100) sets the pool's polling level
 * (llama.cpp's default: 50). It sets SWITCHBOARD_LLAMA_THREADPOOL=<threads> once a pool is attached, so
 * the model process can report it. Anything missing: the context is returned untouched.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llama.h"

typedef struct llama_context *(*init_fn)(struct llama_model *, struct llama_context_params);
typedef void (*free_fn)(struct llama_context *);
typedef ggml_backend_reg_t (*reg_by_name_fn)(const char *);
typedef void *(*proc_address_fn)(ggml_backend_reg_t, const char *);
typedef struct ggml_threadpool_params (*params_default_fn)(int);
typedef void (*attach_fn)(struct llama_context *, ggml_threadpool_t, ggml_threadpool_t);
typedef ggml_threadpool_t (*pool_new_fn)(struct ggml_threadpool_params *);
typedef void (*pool_free_fn)(ggml_threadpool_t);

#define MAX_CONTEXTS 64

static struct {
  init_fn init;
  free_fn free;
  reg_by_name_fn reg_by_name;
  proc_address_fn proc_address;
  params_default_fn params_default;
  attach_fn attach;
} real;

static pthread_once_t resolved = PTHREAD_ONCE_INIT;
static pthread_mutex_t pools_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
  struct llama_context *context;
  ggml_threadpool_t pool;
  pool_free_fn free;
} pools[MAX_CONTEXTS];

/* The first loaded object other than this one that defines llama_init_from_model: libllama. */
static int find_libllama(struct dl_phdr_info *info, size_t size, void *found) {
  (void)size;
  if (info->dlpi_name == NULL || info->dlpi_name[0] == '\0') return 0;
  void *handle = dlopen(info->dlpi_name, RTLD_LAZY | RTLD_NOLOAD);
  if (handle == NULL) return 0;
  void *symbol = dlsym(handle, "llama_init_from_model");
  if (symbol == NULL || symbol == (void *)&llama_init_from_model) {
    dlclose(handle);
    return 0;
  }
  *(void **)found = handle;
  return 1;
}

static void resolve(void) {
  void *libllama = NULL;
  dl_iterate_phdr(find_libllama, &libllama);
  if (libllama == NULL) return;
  real.init = (init_fn)dlsym(libllama, "llama_init_from_model");
  real.free = (free_fn)dlsym(libllama, "llama_free");
  real.reg_by_name = (reg_by_name_fn)dlsym(libllama, "ggml_backend_reg_by_name");
  real.proc_address = (proc_address_fn)dlsym(libllama, "ggml_backend_reg_get_proc_address");
  real.params_default = (params_default_fn)dlsym(libllama, "ggml_threadpool_params_default");
  real.attach = (attach_fn)dlsym(libllama, "llama_attach_threadpool");
}

static void attach_pool(struct llama_context *context, int threads) {
  if (!real.reg_by_name || !real.proc_address || !real.params_default || !real.attach) return;
  ggml_backend_reg_t cpu = real.reg_by_name("CPU");
  if (cpu == NULL) return;
  pool_new_fn pool_new = (pool_new_fn)real.proc_address(cpu, "ggml_threadpool_new");
  pool_free_fn pool_free = (pool_free_fn)real.proc_address(cpu, "ggml_threadpool_free");
  if (pool_new == NULL || pool_free == NULL) return;
  pthread_mutex_lock(&pools_lock);
  int slot = -1;
  for (int index = 0; index < MAX_CONTEXTS && slot < 0; index++) {
    if (pools[index].context == NULL) slot = index;
  }
  if (slot >= 0) {
    struct ggml_threadpool_params params = real.params_default(threads);
    const char *poll = getenv("SWITCHBOARD_LLAMA_THREADPOOL_POLL");
    if (poll != NULL && poll[0] != '\0') {
      long level = strtol(poll, NULL, 10);
      if (level >= 0 && level <= 100) params.poll = (uint32_t)level;
    }
    ggml_threadpool_t pool = pool_new(&params);
    if (pool != NULL) {
      real.attach(context, pool, pool);
      pools[slot].context = context;
      pools[slot].pool = pool;
      pools[slot].free = pool_free;
      char value[16];
      snprintf(value, sizeof value, "%d", threads);
      setenv("SWITCHBOARD_LLAMA_THREADPOOL", value, 1);
    }
  }
  pthread_mutex_unlock(&pools_lock);
}

struct llama_context *llama_init_from_model(struct llama_model *model, struct llama_context_params params) {
  pthread_once(&resolved, resolve);
  if (real.init == NULL) {
    fprintf(stderr, "switchboard thread pool: libllama is not loaded\n");
    abort();
  }
  struct llama_context *context = real.init(model, params);
  if (context != NULL && params.n_threads > 1) attach_pool(context, params.n_threads);
  return context;
}

void llama_free(struct llama_context *context) {
  pthread_once(&resolved, resolve);
  if (real.free == NULL) return;
  ggml_threadpool_t pool = NULL;
  pool_free_fn pool_free = NULL;
  pthread_mutex_lock(&pools_lock);
  for (int index = 0; index < MAX_CONTEXTS; index++) {
    if (context != NULL && pools[index].context == context) {
      pool = pools[index].pool;
      pool_free = pools[index].free;
      memset(&pools[index], 0, sizeof pools[index]);
    }
  }
  pthread_mutex_unlock(&pools_lock);
  real.free(context);
  if (pool != NULL) pool_free(pool);
}
