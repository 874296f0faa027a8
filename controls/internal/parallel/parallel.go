package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// For calls f for 0..n-1 on as many goroutines as there are processors, and returns when every call has.
// The calls may run in any order; f must be safe to call concurrently.
func For(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				f(i)
			}
		}()
	}
	wg.Wait()
}
