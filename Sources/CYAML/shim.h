#ifndef VIGIE_CYAML_SHIM_H
#define VIGIE_CYAML_SHIM_H
#include <yaml.h>
#endif
