/* Compiled as strict C89 by the build: the C API header must stay C89. */
#include "blade-c/Blade.h"

int bladeHeaderIsC89(void);

int bladeHeaderIsC89(void) {
  BladeModel *model = NULL;
  BladeStatus *status = bladeModelCompileFile("model.onnx", NULL, &model);
  int ok = status == NULL && bladeApiVersion() == BLADE_API_VERSION;
  bladeStatusFree(status);
  bladeModelFree(model);
  return ok;
}
