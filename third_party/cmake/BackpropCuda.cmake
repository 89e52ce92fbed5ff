# Finds nvcc and turns on the CUDA language when it is there (BACKPROP_CUDA=AUTO, the default),
# requires it (ON) or skips it (OFF). Sets BACKPROP_HAS_CUDA and prints one line saying which
# and why. CMake caches a failed search: after installing the CUDA toolkit, reconfigure with
# -UCMAKE_CUDA_COMPILER (or a fresh build folder).
set(BACKPROP_CUDA AUTO CACHE STRING "Build the CUDA backend: AUTO (when nvcc is found), ON (required) or OFF")
set_property(CACHE BACKPROP_CUDA PROPERTY STRINGS AUTO ON OFF)
set(BACKPROP_HAS_CUDA OFF)
set(BACKPROP_CUDA_OFF_WHY "built without nvcc")  # the engine's reason, when off

if(BACKPROP_CUDA STREQUAL "OFF")
  set(BACKPROP_CUDA_OFF_WHY "built with -DBACKPROP_CUDA=OFF")
  message(STATUS "CUDA backend: off (BACKPROP_CUDA=OFF; configure with -DBACKPROP_CUDA=AUTO to build it where nvcc is installed)")
  return()
endif()

include(CheckLanguage)
check_language(CUDA)
if(NOT CMAKE_CUDA_COMPILER)
  set(_why "no CUDA compiler (nvcc) was found; install the CUDA toolkit, put nvcc on PATH and reconfigure with -UCMAKE_CUDA_COMPILER, or pass -DCMAKE_CUDA_COMPILER=/usr/local/cuda/bin/nvcc")
  if(BACKPROP_CUDA STREQUAL "ON")
    message(FATAL_ERROR "CUDA backend: BACKPROP_CUDA=ON but ${_why}")
  endif()
  message(STATUS "CUDA backend: off (${_why})")
  return()
endif()

# The lent GPU is an H200 (sm_90): "90" builds sm_90 code plus compute_90 PTX, which newer GPUs
# compile at load time. "native" would fail at generate time on a machine with no GPU.
if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
  set(CMAKE_CUDA_ARCHITECTURES 90 CACHE STRING "CUDA architectures to build for (sm_XY: XY)")
endif()

# CMake 3.25 knows nvcc's language levels only up to C++17; the engine is C++20 throughout.
if(CMAKE_VERSION VERSION_LESS 3.26)
  set(CMAKE_CUDA20_STANDARD_COMPILE_OPTION "-std=c++20")
  set(CMAKE_CUDA20_EXTENSION_COMPILE_OPTION "-std=c++20")
endif()
enable_language(CUDA)
if(CMAKE_VERSION VERSION_LESS 3.26)
  list(APPEND CMAKE_CUDA_COMPILE_FEATURES cuda_std_20)
endif()
find_package(CUDAToolkit REQUIRED)
set(BACKPROP_HAS_CUDA ON)
message(STATUS "CUDA backend: on (nvcc ${CMAKE_CUDA_COMPILER_VERSION}, architectures ${CMAKE_CUDA_ARCHITECTURES}; "
               "-DBACKPROP_CUDA=OFF builds without it)")
