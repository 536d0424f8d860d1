# The installable library, made from the objects of the OBJECT library csplab
# (included by CMakeLists.txt):
#
#   libcsplab.so.<version>  SONAME libcsplab.so.<major>
#   libcsplab.a             one member: the objects pre-linked by `cc -r` into csplab-all.o. A
#                           static link takes a member when it needs one of its symbols; with
#                           one member, using any function takes every registration constructor
#                           with it (with one member per source file, the implementations'
#                           files, which nothing calls, would be left out, and the registry
#                           would be empty).
#
# Targets csplab_shared and csplab_static (exported as csplab::shared, csplab::static);
# csplab::csplab is csplab_static in a build that includes csplab as a subproject, and
# csplab::shared (or static with CSPLAB_STATIC) in the installed package.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(csplab_public_include $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)

add_library(csplab_shared SHARED $<TARGET_OBJECTS:csplab>)
set_target_properties(csplab_shared PROPERTIES OUTPUT_NAME csplab EXPORT_NAME shared
                      VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR})
target_include_directories(csplab_shared INTERFACE ${csplab_public_include})
target_link_libraries(csplab_shared PUBLIC Threads::Threads ${CMAKE_DL_LIBS})

set(csplab_all_o ${CMAKE_CURRENT_BINARY_DIR}/csplab-all.o)
add_custom_command(OUTPUT ${csplab_all_o}
  COMMAND ${CMAKE_C_COMPILER} -r -nostdlib -o ${csplab_all_o} $<TARGET_OBJECTS:csplab>
  DEPENDS csplab $<TARGET_OBJECTS:csplab> COMMAND_EXPAND_LISTS
  COMMENT "Pre-linking csplab's objects for libcsplab.a")
set_source_files_properties(${csplab_all_o} PROPERTIES EXTERNAL_OBJECT ON GENERATED ON)
add_library(csplab_static STATIC ${csplab_all_o})
set_target_properties(csplab_static PROPERTIES OUTPUT_NAME csplab EXPORT_NAME static
                      LINKER_LANGUAGE C)
target_include_directories(csplab_static INTERFACE ${csplab_public_include})
target_link_libraries(csplab_static INTERFACE Threads::Threads ${CMAKE_DL_LIBS})

if(NOT CSPLAB_TOP_LEVEL)
  add_library(csplab::csplab ALIAS csplab_static)
  add_library(csplab::static ALIAS csplab_static)
  add_library(csplab::shared ALIAS csplab_shared)
endif()

if(CSPLAB_INSTALL)
  install(FILES include/csplab/csplab.h include/csplab/impl.h
                ${PROJECT_BINARY_DIR}/include/csplab/version.h
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/csplab)
  install(TARGETS csplab_shared csplab_static EXPORT csplabTargets
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(TARGETS csplab-list RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}) # the registry's names
  set(csplab_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/csplab)
  install(EXPORT csplabTargets NAMESPACE csplab:: DESTINATION ${csplab_cmake_dir})
  configure_package_config_file(cmake/csplabConfig.cmake.in
    ${PROJECT_BINARY_DIR}/csplabConfig.cmake INSTALL_DESTINATION ${csplab_cmake_dir})
  # 0.x: minor versions may break the API, so only the same minor is compatible.
  write_basic_package_version_file(${PROJECT_BINARY_DIR}/csplabConfigVersion.cmake
    COMPATIBILITY SameMinorVersion)
  install(FILES ${PROJECT_BINARY_DIR}/csplabConfig.cmake
                ${PROJECT_BINARY_DIR}/csplabConfigVersion.cmake DESTINATION ${csplab_cmake_dir})

  set(pc_dir ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
  file(RELATIVE_PATH PC_PREFIX_FROM_PCDIR /${pc_dir} /)
  string(REGEX REPLACE "/$" "" PC_PREFIX_FROM_PCDIR "${PC_PREFIX_FROM_PCDIR}")
  set(PC_DL "")
  if(CMAKE_DL_LIBS)
    set(PC_DL "-l${CMAKE_DL_LIBS}")
  endif()
  configure_file(cmake/csplab.pc.in ${PROJECT_BINARY_DIR}/csplab.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/csplab.pc DESTINATION ${pc_dir})
  install(FILES LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR})
endif()
