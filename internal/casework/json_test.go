package casework_test

import (
	"encoding/json"

	"kim/internal/platform/web"
)

func jsonOf(v any) ([]byte, error) { return json.Marshal(v) }

func webQuery() web.ListQuery { return web.ListQuery{Page: 1, Size: 25, Sort: "updated"} }
