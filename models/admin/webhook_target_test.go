package admin

import "testing"

func TestCheckTarget(t *testing.T) {
	t.Parallel()
	private := []string{
		"http://127.0.0.1/in", "https://127.8.9.10:8443/", "http://[::1]:80/", "http://10.1.2.3/", "http://192.168.1.1/",
		"http://172.16.0.1/", "http://169.254.169.254/latest", "http://[fe80::1%25eth0]/", "http://0.0.0.0/",
		"http://localhost/", "http://LOCALHOST./", "http://api.localhost/", "http://[::ffff:127.0.0.1]/", "http://100.64.0.1/",
	}
	public := []string{"https://hooks.example.com/in", "http://93.184.216.34/", "https://[2606:4700::1111]/", "http://localhost.example.com/"}
	for _, u := range private {
		if checkTarget(u, false) == "" {
			t.Errorf("%s: allowed with private targets off", u)
		}
		if msg := checkTarget(u, true); msg != "" {
			t.Errorf("%s: refused with private targets on: %s", u, msg)
		}
	}
	for _, u := range public {
		if msg := checkTarget(u, false); msg != "" {
			t.Errorf("%s: refused: %s", u, msg)
		}
	}
}
