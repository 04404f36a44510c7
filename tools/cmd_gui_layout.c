/* cmd_gui_layout.c: `vpt gui-layout --screen NAME`, prints a GUI screen's layout (every slot
 * and button rectangle in 640x360 GUI pixels) as JSON: the same table the renderers draw from
 * and the cursor hit-test uses (sim/gui.h). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim/gui.h"
#include "tools/cli.h"
#include "tools/commands.h"

static json_t *rect_json(const GuiRect *r) {
    return json_pack("{s:i, s:i, s:i, s:i}", "x", r->x, "y", r->y, "w", r->w, "h", r->h);
}

int cmd_gui_layout(int argc, char **argv) {
    const char *screen = NULL;
    const CliOption opts[] = {
        {"--screen", CLI_STRING, &screen, "NAME", "inventory | crafting_table | furnace", 0, 0},
    };
    const CliSpec spec = {"gui-layout",
                          "--screen NAME",
                          "Prints a GUI screen's slot and button rectangles as JSON.",
                          opts,
                          1,
                          0,
                          0,
                          NULL};
    int rc = cli_parse(&spec, argc, argv, NULL, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    if (!screen) {
        fprintf(stderr, "vpt gui-layout: --screen: missing (inventory, crafting_table, furnace)\n");
        return 2;
    }
    GuiScreen s = gui_screen_from_name(screen);
    if (s == GUI_NONE) {
        fprintf(stderr,
                "vpt gui-layout: --screen: bad value '%s' (expected inventory, crafting_table "
                "or furnace)\n",
                screen);
        return 2;
    }
    const GuiLayout *l = gui_layout(s);
    json_t *root = json_object();
    json_object_set_new(root, "screen", json_string(l->name));
    json_object_set_new(root, "width", json_integer(GUI_WIDTH));
    json_object_set_new(root, "height", json_integer(GUI_HEIGHT));
    json_object_set_new(root, "grid_width", json_integer(l->grid_w));
    json_object_set_new(root, "panel", rect_json(&l->panel));
    if (l->book.w > 0) json_object_set_new(root, "recipe_book", rect_json(&l->book));
    if (l->flame.w > 0) json_object_set_new(root, "flame", rect_json(&l->flame));
    if (l->arrow.w > 0) json_object_set_new(root, "arrow", rect_json(&l->arrow));
    json_t *elems = json_array();
    for (int i = 0; i < l->n_elems; i++) {
        const GuiElem *e = &l->elems[i];
        json_t *o = json_pack("{s:s, s:i}", "kind", gui_elem_kind_name(e->kind), "index", e->index);
        json_t *r = rect_json(&e->rect);
        json_object_update(o, r);
        json_decref(r);
        json_array_append_new(elems, o);
    }
    json_object_set_new(root, "elements", elems);
    char *text = json_dumps(root, JSON_PRESERVE_ORDER | JSON_COMPACT);
    printf("%s\n", text);
    free(text);
    json_decref(root);
    return 0;
}
