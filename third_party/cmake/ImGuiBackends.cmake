# Dear ImGui from Debian's libimgui-dev: the library is -limgui -lstb, headers in
# /usr/include/imgui; the GLFW and OpenGL3 backends ship as sources and are compiled here.
# Defines the target imgui_glfw_gl3 when everything is present, and IMGUI_BACKENDS_FOUND.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(GLFW3 QUIET IMPORTED_TARGET glfw3)
  pkg_check_modules(IMGUI QUIET IMPORTED_TARGET imgui)
endif()
set(OpenGL_GL_PREFERENCE GLVND)
find_package(OpenGL QUIET)
set(IMGUI_BACKEND_DIR /usr/share/doc/libimgui-dev/examples/backends)
set(IMGUI_BACKENDS_FOUND OFF)
if(GLFW3_FOUND AND IMGUI_FOUND AND OpenGL_FOUND AND EXISTS ${IMGUI_BACKEND_DIR}/imgui_impl_glfw.cpp)
  add_library(imgui_glfw_gl3 STATIC
    ${IMGUI_BACKEND_DIR}/imgui_impl_glfw.cpp
    ${IMGUI_BACKEND_DIR}/imgui_impl_opengl3.cpp)
  target_include_directories(imgui_glfw_gl3 SYSTEM PUBLIC /usr/include/imgui /usr/include/imgui/backends)
  target_link_libraries(imgui_glfw_gl3 PUBLIC PkgConfig::IMGUI stb PkgConfig::GLFW3 OpenGL::GL ${CMAKE_DL_LIBS})
  # Third-party code, not instrumented by the sanitizer builds: Debian's 1.86 GL loader
  # (imgui_impl_opengl3_loader.h, load_procs) writes one pointer past imgl3wProcs.ptr[53], which
  # ASan and UBSan report and no runtime suppression can skip. See tests/sanitizers/README.md.
  target_compile_options(imgui_glfw_gl3 PRIVATE -fno-sanitize=all)
  set(IMGUI_BACKENDS_FOUND ON)
endif()
