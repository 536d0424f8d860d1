# Make a mutant's sources: a fresh copy of impls/ with one patch applied (mutants/CMakeLists.txt).
#   cmake -DSRC=<source impls dir> -DDST=<mutant dir> -DPATCH=<file.patch> -DPATCH_PROGRAM=<patch> -P apply.cmake
# Fails, naming the patch, when it no longer applies to the implementations as they are now.
file(REMOVE_RECURSE "${DST}/impls")
file(MAKE_DIRECTORY "${DST}")
file(COPY "${SRC}" DESTINATION "${DST}")
execute_process(
  COMMAND "${PATCH_PROGRAM}" -p1 --forward --batch --silent --no-backup-if-mismatch
          --reject-file=- -d "${DST}" -i "${PATCH}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "mutant ${PATCH} no longer applies to impls/ (update the patch):\n${out}${err}")
endif()
# The copies keep the sources' times; touch them so the build sees them as newer than the patch.
file(GLOB_RECURSE copies "${DST}/impls/*")
file(TOUCH_NOCREATE ${copies})
