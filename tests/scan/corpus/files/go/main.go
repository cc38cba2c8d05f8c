package main

}
func main() {
var awsSecretAccessKey string = "7NSvq4awdjwYCqkmuSfdRsAUxrfqoNVo4MqiGwge"
var awsAccessKeyID string = "ASIAGNLVPBMNUOW5OPIH"
	}
cfg := aws.Credentials{
	AccessKeyID:     "AKIAHUHDY6X6CPGRTYD2",
	SecretAccessKey: "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",
	SessionToken:    "IQoJb3JpZ2luX2VjEEGMa1+d0YyblP6EvUTM43kdNQMDosLRkT0Om7MgY5wmlIuArtPCyzJiToY5Fd9/FFGBM6B3ffkBbEj+r+D5jfWBbfZbB+Jg0/Viyk7nWor1KCnwCFpSeyNjlCZcvP+Qk9wVX4pzTq7nAtyicZ8ctihx08GUU762+mPVqZ6GqliFDk4tkKaeQyQ+Vi47abG8YXmOGllriNaxSO4JQde8zjSVQ0wYw7qjZ/p3+vhbW+1XNO3J5HRdgaZJ0bdKtdX40tHpDCI4Yoihv8MadiuUn6ndF2mVwjiTbhLXkLRtYz6GyxnylG1qlB1UEzHPmiQrpmrkkxuJ2GzCQpqL5X4/TibnJqRXE0a3ZzqqZBNCm28NnxECu5H3exKoIUzHjA/kD8QC4waxab4Wr46ENB4Kvutub7qbqcwYtW13Jtf3VMhqV1ywptzBWdVmHdW8eVuE9GVigoVmxojiy5HTs0hEGG4nuzevC699ZwGjzUBcAg9a/WFxmOPwar2XYqZwhAdCEQBRcqVWkyR0sxCbD9BA0+viFI9OYz77q22pVEDAxJj4wTntsgI5a+CpAYHBdVdsqhRD2UusNiSHgnlMrk3Fb6yfEsksQP5Ee3+nDAE5P+40GIyG73k3gnqYwj1mkh+Pjg/UWiq4e0ywssupaFHChOKtVOfmetbvbCPjBAhzqyl9ly6Qa/5uJ4caxl8gvLgbkvSw5G3SA1H6GO9i6xGBkHB/ox42MmJGBCY6Io0wtSfefNV3Bd0dyIU6lln1JmIwZ+43U0qhRVn4zfut/ZbFypRsMsvEIuotfRkiITCdHB8fAUPYoekFgLMXat+e7uworGJX4H7mr1hGyWyv4yU4D6OyEu/XAhm3PyVAm/YWaidud6uiy0sxUsawkzjFpmel8M7Q",
}
os.Setenv("AWS_SECRET_ACCESS_KEY", "bQ7EX4RCcAcZPU2I7F/qQP8rp+XjQx4wL0g5oPlb")
os.Setenv("AWS_ACCESS_KEY_ID", "AKIAWPEYPFGC7VG3IRHC")
var secretName = "teamAnalyticsWarehouseReadOnlyCredential"
	if err != nil {
creds := credentials.NewStaticCredentials("AKIAEXSRGMXP6MJ63Q3F", "YPktVbMC+2Hh9PhwhkwMsmegM8I34ORlvKqi/TrA", "")
	"context"
	creds := aws.Credentials{
		AccessKeyID:                  "AKIAFI3QRZJ32IX2ZD2O",
		SecretAccessKey:               "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",
	}
		return err
const expectedHash = "58531dfdb1f2d91501ba79dcd41367497d150225"
