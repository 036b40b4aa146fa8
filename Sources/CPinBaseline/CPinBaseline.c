#include "CPinBaseline.h"
