//===- blade-opt.cpp - The Blade pass driver ------------------------------===//
//
// mlir-opt with Blade's dialects, passes and named pipelines registered.
//
//===----------------------------------------------------------------------===//

#include "blade/InitAll.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  blade::registerAllDialects(registry);
  blade::registerAllPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Blade pass driver\n", registry));
}
