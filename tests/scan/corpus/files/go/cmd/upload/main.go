package main

	if err != nil {
func main() {
provider := credentials.NewStaticCredentialsProvider("ASIA2VPJBAJ5F6E7WAVB", "94drsHhHWoo+x/OJemCFdWLs1e32wr4/383kK416", "IQoJb3JpZ2luX2VjEEN7//////////QwyXN6nlNvDtndwAT0DOsJfq3oVF81AdWbQ5cn9hzoYOwvWN4bJkwUkZSu9qG/HbJXUR8XW5dbH15roaeVmF6AQqJNjWthfh3JXj7sLI+awKF6g+WwQ6LgTQigYPdQj9jIiQGFHJV0IXNPeMv37pxn3p5Ou9W5v2RlBS+Fh98Cw3LgpcFpKSF5JlPBRChBT3mqkhVTrDu1GuNyxNJjJ8BzA4oFCLFOqaCb9hGiDBht6Y5NPu6L8kQseh7RhhIskuarD+gINbySvJKVJ3/2cuwzqPi8qqlSZ5aZdmWUgKjFfyfd5fBGFkMva4NTe5sG3hplauWG0CeJ89t4hmXMw+Hoy438Zu8cmPUL5f3nUf9iKh2GT+VQGQnKRy8dxY5htJdjn2Lv73FK6AySVnUkrfb6cFo8+Yp9SzBg+XGBsPmo4/Bl70mlZdPEeZsz1QSVcwOPkCkLUnvutqG=")
}
const secretKey = `eaegUkVYUDZDTH8rVjqJM+5/numzGZngbaaEyG1g`
	if err != nil {
const expectedHash = "9145d1f3295dc84ca9627022e2309d998c5c5469"
}
	SessionToken: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	creds := aws.Credentials{
		AccessKeyID:                  "AKIAMEDK3RAJEVTN7UO6",
		SecretAccessKey:               "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",
	}
cfg := aws.Credentials{
	AccessKeyID:     "ASCASRJHLKRYFSUKCRMD",
	SecretAccessKey: "8m+8e+gxR1NjNMXrckwfll8T0fwf5+8i0XgSIFgQ",
	SessionToken:    "AQoDYXdzEPj0Jfttfj8tOOG8YXT/S8/d7fSdmsPIAc3smrr0VQymbyej3xBPNJkmm4YeaHJCj8zGQVP1jyokn+MKtsUMoPSfMTEINHTasgQd0Ill+EyaaDeMdXl9vm+Bd7/U83z6w6HsvLjv1P6/EYXTabY0C1U/R7tfS3Kypqe3VOTHc7+109VsnlNbgFRNlHnVGJzK0vJ/J80KmXUadjMj6tI9wchP+d7fov9p1HWfJ08YvsYJ1liAmDWNaJiwZMiunIKGYiyq18J8RYsRHVs9jvT92BmNMh0jl3/4tFNbweR+MTJxTKhdtFr4zWR+SmxaURyDMjARpUB/z3m1y7WjUcjOiwyZnJhZUVLOyVGZY3/D3I84nLf6I7lzAWQmkl6SUOfhvDvsSAeNFmk80TdAWuBnaE1V7qMQ8271OvUDdu9Nh3qqVB40FmV/9hKh3Uv6QabbLMR=",
}
	if err != nil {
		return err
const expectedHash = "498d3a4bf7574be2047b2305c3f34a5973932641"
