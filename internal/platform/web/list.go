package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// ListQuery is the paging, sorting and search state of a list page or API list.
type ListQuery struct {
	Q      string
	Page   int
	Size   int
	Sort   string // a key of the allowed sort columns
	Desc   bool
	Filter url.Values
}

// Offset is the number of rows to skip.
func (q ListQuery) Offset() int { return (q.Page - 1) * q.Size }

// Sizes limits the page size.
const (
	DefaultPageSize = 25
	MaxPageSize     = 100
)

// ParseList reads q, page, size, sort and dir from the URL. sorts lists the allowed sort keys
// (the first is the default); unknown values fall back to defaults instead of failing.
func ParseList(r *http.Request, sorts ...string) ListQuery {
	v := r.URL.Query()
	q := ListQuery{Q: CleanText(v.Get("q")), Page: 1, Size: DefaultPageSize, Filter: v}
	// At most 200 characters (as the search field's maxlength), never cutting one in half:
	// PostgreSQL refuses invalid UTF-8.
	if r := []rune(q.Q); len(r) > 200 {
		q.Q = string(r[:200])
	}
	if p, err := strconv.Atoi(v.Get("page")); err == nil && p > 0 && p < 1_000_000 {
		q.Page = p
	}
	if s, err := strconv.Atoi(v.Get("size")); err == nil && s > 0 {
		q.Size = min(s, MaxPageSize)
	}
	if len(sorts) > 0 {
		q.Sort = sorts[0]
		for _, s := range sorts {
			if v.Get("sort") == s {
				q.Sort = s
			}
		}
	}
	q.Desc = strings.EqualFold(v.Get("dir"), "desc")
	return q
}

// OrderBy returns the ORDER BY expression for the query from a map of sort keys to columns,
// with tie-breaker appended so that paging is stable.
func (q ListQuery) OrderBy(columns map[string]string, tieBreaker string) string {
	col, ok := columns[q.Sort]
	if !ok {
		col = tieBreaker
	}
	dir := " ASC"
	if q.Desc {
		dir = " DESC"
	}
	return col + dir + ", " + tieBreaker + dir
}

// Pager describes a page of a list for the templates.
type Pager struct {
	Query ListQuery
	Total int
	Raw   string // the raw query string of the request
}

// NewPager returns the pager for total rows.
func NewPager(q ListQuery, total int, r *http.Request) Pager {
	return Pager{Query: q, Total: total, Raw: r.URL.RawQuery}
}

// Pages is the number of pages.
func (p Pager) Pages() int {
	if p.Total == 0 {
		return 1
	}
	return (p.Total + p.Query.Size - 1) / p.Query.Size
}

// First and Last are the 1-based row numbers shown.
func (p Pager) First() int {
	if p.Total == 0 {
		return 0
	}
	return p.Query.Offset() + 1
}

// Last is the number of the last row shown.
func (p Pager) Last() int { return min(p.Query.Offset()+p.Query.Size, p.Total) }

// HasPrev reports whether there is a previous page.
func (p Pager) HasPrev() bool { return p.Query.Page > 1 }

// HasNext reports whether there is a next page.
func (p Pager) HasNext() bool { return p.Query.Page < p.Pages() }

// Link returns the query string for page n, keeping the other parameters.
func (p Pager) Link(n int) string {
	v, _ := url.ParseQuery(p.Raw)
	v.Set("page", strconv.Itoa(n))
	return "?" + v.Encode()
}

// SortLink returns the query string that sorts by key (toggling the direction when it is the
// current key) and starts at page 1.
func (p Pager) SortLink(key string) string {
	v, _ := url.ParseQuery(p.Raw)
	v.Set("sort", key)
	if p.Query.Sort == key && !p.Query.Desc {
		v.Set("dir", "desc")
	} else {
		v.Del("dir")
	}
	v.Del("page")
	return "?" + v.Encode()
}

// AriaSort returns the aria-sort value of a column header.
func (p Pager) AriaSort(key string) string {
	if p.Query.Sort != key {
		return "none"
	}
	if p.Query.Desc {
		return "descending"
	}
	return "ascending"
}
