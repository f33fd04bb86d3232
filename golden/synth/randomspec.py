def fullwidth(s):
    return None if s is None else s.translate(str.maketrans("0123456789.-", "０１２３４５６７８９．－"))

def generate(n, seed=0):
    return []
