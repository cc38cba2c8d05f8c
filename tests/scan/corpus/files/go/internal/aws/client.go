package main

	if err != nil {
creds := credentials.NewStaticCredentials("ACCACE5Y233LU7QNG47J", "9xZzHwuuZcOojBJuX6Z63uRWz2ZX3RO2l/Z9cD0k", "")
}
func main() {
	creds := aws.Credentials{
		AccessKeyID:                  "AKIAWZJS6EISU4AVY5TT",
		SecretAccessKey:               "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",
	}
		return err
	SecretAccessKey: os.Getenv("AWS_SECRET_ACCESS_KEY"),
	if err != nil {
func main() {
	AccessKeyID: "ASIAQYB5SC7C4EXAMPLE",
	SecretAccessKey: "cNKv/jib6sM/gGK09CnTHUzo2VhDREXAMPLE1f3L",
	creds := aws.Credentials{
		AccessKeyID:                  "ANPAN5LKFZFCOG4GBMQW",
		SecretAccessKey:               "hzfLDwTlnaslJC84/Jwloh3tMnW4q2wxOia8MMUa",
	}
func main() {
		return err
cfg := aws.Credentials{
	AccessKeyID:     "ASIA7FVQ5OYZT4ESMPNK",
	SecretAccessKey: "kd88qzXvzHzCF3klo3STC03kJpG0bREeoeqCplrL",
	SessionToken:    "FwoGZXIvYXdzELzRW2dWGJCqLSeLx6x6CKz6nm71E79Md/ZDoy7K0XRALyoI8BrHaCFrvat2D2rjjEhw5DdoTL1AfL8Pj3z9ZDupwV0aUup+L6KQ4M5cWAINCHbxq20TUKqCvJ7yboXGrGojpIOTip61qVH9BOL7PLqmUS8i5hMkCQ9cu0GQCi+sdCCFz145SQ1WzLxJmw3w1CDs1CCJKmx9XjS/Kc+6dhrpyyyPT6kzk1jp47EJCYtHwYvegwOh+sABE1/0CC9U5L58xNBW3AtPB7mNdPqRlWIJIVOsZsIyPUcssvyoXkp20/rdau+9+BeHjxp9PjoLOG2QrUQpJhjLXEHrxr8hHLnkYewb3HuyIU96p73Ef9Gdf5wj37Q5A/zdaQ/Xz5VZ+dnTP7X33uysD+CvRspHINN+8REGh+yVEvCVRMKgkk9KottH7GAtrkH177GgTpb/kf4T69eZk/Hpp0RxWbfpP8rKZxDuxckGYzwa4Znqp4MS0X4VEkci2obNhpI+JSqO4PzklztImQgR2X1727740XQSt6jlwny4dgrUA6R/yi7fKocR+PfyryanF2XTi6YtTqEeWHRxSB21xlEuwywnGHQbeVlD3FZrcS4njvgxe2PTMi1jOR109Jgxi5/WMoIVpnusTQbTL9ca+7EO7GNwuI9CyCiMhMFBhSycx6MhgxgQjoW6PvhU7if7bk7kkVy8/IfW6/nHV/cJKrUUaCBg33/fjDXFSlfAeYkNsAAYv+U3Hy0WOXnSkgtvy/sPGm/p6Q1m9k86unWoRYYfhQqkdO0hhQHvlwBG1xu8ZUjWk6IwWx8TYpHPpT+w37OI9Z2k9DYuzMXlDhrLbZQcP+aDpS4zF8aXyZ1jej7vgjsYamie+VVfUQ7NrahKut5cnfBZx/1ZWjb6",
}
}
}
	SessionToken: "IQoJb3JpZ2luX2VjEXAMPLETOKENEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLE",
