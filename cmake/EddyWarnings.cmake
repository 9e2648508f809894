# Warnings are errors in eddy's own code (not in third-party headers, which come in as
# SYSTEM includes through their imported targets).
function(eddy_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wshadow=local -Wnon-virtual-dtor)
endfunction()
