package hwbench

// The units hwbench reports. They are benchstat-friendly: no spaces, and none that
// benchstat rescales (it turns "ns" into "sec" and "MB" into "B").
const (
	UnitTokS        = "tok/s"          // server counters; users=N: aggregate over wall clock
	UnitClientTokS  = "client-tok/s"   // client stream timing
	UnitTTFT        = "ttft-ms"        // request sent → first token
	UnitTPOT        = "tpot-ms"        // per output token after the first, client side
	UnitTPOTGap     = "tpot-gap-%"     // client TPOT against the server's, percent
	UnitLoad        = "load-ms"        // server load_duration
	UnitPromptTok   = "prompt-tok"     // prompt tokens the server counted
	UnitCeiling     = "ceiling-tok/s"  // bandwidth / bytes per token
	UnitMBU         = "mbu-%"          // decode tok/s as a share of the ceiling
	UnitUserTokSP50 = "user-tok/s-p50" // median per-request stream rate under load
	UnitTTFTP50     = "ttft-p50-ms"
	UnitTTFTP95     = "ttft-p95-ms"
	UnitTTFTP99     = "ttft-p99-ms"
	UnitGoodput     = "goodput-req/s" // requests per second that met both SLOs
	UnitSLO         = "slo-%"         // share of requests that met both SLOs
	UnitReqS        = "req/s"
	UnitErr         = "err-%"
	UnitGBs         = "GB/s" // bandwidth probe, 1 GB = 1e9 bytes
)

// Units lists every unit hwbench reports.
var Units = []string{UnitTokS, UnitClientTokS, UnitTTFT, UnitTPOT, UnitTPOTGap, UnitLoad,
	UnitPromptTok, UnitCeiling, UnitMBU, UnitUserTokSP50, UnitTTFTP50, UnitTTFTP95, UnitTTFTP99,
	UnitGoodput, UnitSLO, UnitReqS, UnitErr, UnitGBs}

// KnownUnit reports whether unit is one of Units.
func KnownUnit(unit string) bool {
	for _, u := range Units {
		if u == unit {
			return true
		}
	}
	return false
}
