/* A plugin that breaks the real-time contract on purpose: its run()
   allocates and frees.  The plugin suite checks that pshost catches it. */
#include <lv2/core/lv2.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef enum { PORT_IN = 0, PORT_OUT = 1 } PortIndex;

typedef struct {
  const float *in;
  float *out;
} Allocates;

static LV2_Handle
instantiate(const LV2_Descriptor *descriptor, double rate, const char *bundle_path,
            const LV2_Feature *const *features)
{
  return (LV2_Handle)calloc(1, sizeof(Allocates));
}

static void
connect_port(LV2_Handle instance, uint32_t port, void *data)
{
  Allocates *self = (Allocates *)instance;
  if (port == PORT_IN) {
    self->in = (const float *)data;
  } else if (port == PORT_OUT) {
    self->out = (float *)data;
  }
}

/* Audio thread, wrongly: a scratch buffer allocated on every call. */
static void
run(LV2_Handle instance, uint32_t n_samples)
{
  Allocates *self = (Allocates *)instance;
  /* volatile: the compiler may not elide the malloc/free pair */
  float *volatile scratch = (float *)malloc((n_samples + 1) * sizeof(float));
  if (scratch) {
    memcpy(scratch, self->in, n_samples * sizeof(float));
    memmove(self->out, scratch, n_samples * sizeof(float));
  }
  free(scratch);
}

static void
cleanup(LV2_Handle instance)
{
  free(instance);
}

static const LV2_Descriptor descriptor = {
  "urn:postsync:test#allocates", instantiate, connect_port, NULL, run, NULL, cleanup, NULL,
};

LV2_SYMBOL_EXPORT const LV2_Descriptor *
lv2_descriptor(uint32_t index)
{
  return index == 0 ? &descriptor : NULL;
}
