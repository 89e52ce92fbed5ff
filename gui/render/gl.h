// OpenGL 3.3 core entry points. Mesa's and NVIDIA's libGL export the core functions, so the
// prototypes are enough; GL calls stay in gui/render and main.cpp.
#pragma once
#define GL_GLEXT_PROTOTYPES 1
#include <GL/gl.h>
#include <GL/glext.h>
