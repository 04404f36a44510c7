# recipe.cmake: compiles worlds/recipes.json and worlds/tasks/diamond_pickaxe.json into the sim
# library as NUL-terminated char arrays (SIM_RECIPES_JSON, SIM_TASK_DEFAULT_JSON), so an env
# never depends on the working directory. Included by sim/CMakeLists.txt; also runs itself in
# script mode (cmake -P) at build time to regenerate the C file when the JSON changes.
if(CMAKE_SCRIPT_MODE_FILE)
    set(text "/* Generated from worlds/ by sim/recipe.cmake: do not edit. */\n")
    foreach(pair "SIM_RECIPES_JSON=${RECIPES}" "SIM_TASK_DEFAULT_JSON=${TASK}")
        string(REPLACE "=" ";" kv "${pair}")
        list(GET kv 0 name)
        list(GET kv 1 path)
        file(READ "${path}" hex HEX)
        string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
        string(APPEND text "const char ${name}[] = {${hex}0x00};\n")
    endforeach()
    file(WRITE "${OUT}.tmp" "${text}")
    file(RENAME "${OUT}.tmp" "${OUT}")
    return()
endif()

set(SIM_DATA_C ${CMAKE_CURRENT_BINARY_DIR}/sim_data.c)
set(SIM_RECIPES_JSON_PATH ${CMAKE_SOURCE_DIR}/worlds/recipes.json)
set(SIM_TASK_JSON_PATH ${CMAKE_SOURCE_DIR}/worlds/tasks/diamond_pickaxe.json)
add_custom_command(
    OUTPUT ${SIM_DATA_C}
    COMMAND ${CMAKE_COMMAND} -DRECIPES=${SIM_RECIPES_JSON_PATH} -DTASK=${SIM_TASK_JSON_PATH}
            -DOUT=${SIM_DATA_C} -P ${CMAKE_CURRENT_SOURCE_DIR}/recipe.cmake
    DEPENDS ${SIM_RECIPES_JSON_PATH} ${SIM_TASK_JSON_PATH} ${CMAKE_CURRENT_SOURCE_DIR}/recipe.cmake
    COMMENT "Embedding worlds/recipes.json and the default task")
# The items part of sim/ (issue 4): crafting, GUI, furnace, survival, mobs, tasks, statistics.
set(SIM_ITEMS_SOURCES recipe.c gui.c furnace.c survival.c mob.c task.c stats.c ${SIM_DATA_C})
