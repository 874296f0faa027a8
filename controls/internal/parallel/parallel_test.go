package parallel

import (
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestForCallsEachIndexOnce(t *testing.T) {
	for _, n := range []int{0, 1, 7, 1000} {
		calls := make([]int32, n)
		For(n, func(i int) { atomic.AddInt32(&calls[i], 1) })
		for i, c := range calls {
			assert.Equal(t, int32(1), c, "n=%d i=%d", n, i)
		}
	}
}
